// Bluesky's official client library, for comparison: reads a JSON list of texts on stdin,
// prints one JSON line per text with its facets, graphemes and bytes.
import { RichText } from '@atproto/api'

let input = ''
for await (const chunk of process.stdin) input += chunk
for (const text of JSON.parse(input)) {
  const rt = new RichText({ text })
  rt.detectFacetsWithoutResolution()
  const facets = (rt.facets || []).map((f) => {
    const feature = f.features[0]
    const base = { byteStart: f.index.byteStart, byteEnd: f.index.byteEnd }
    if (feature.$type === 'app.bsky.richtext.facet#mention') return { ...base, type: 'mention', handle: feature.did }
    if (feature.$type === 'app.bsky.richtext.facet#link') return { ...base, type: 'link', uri: feature.uri }
    return { ...base, type: 'tag', tag: feature.tag }
  })
  console.log(JSON.stringify({ graphemes: rt.graphemeLength, bytes: rt.length, facets }))
}
