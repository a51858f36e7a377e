// A real Bluesky network on loopback: the reference PLC, PDS and AppView from
// @atproto/dev-env, plus two ready accounts. Prints one JSON line when ready, then runs
// until SIGTERM or SIGINT. Environment: DB_POSTGRES_URL (the AppView's database).
import { AtpAgent } from '@atproto/api'
import { TestNetwork } from '@atproto/dev-env'

process.env.REDIS_HOST ??= '127.0.0.1' // asserted by dev-env, never connected to

const network = await TestNetwork.create({
  dbPostgresUrl: process.env.DB_POSTGRES_URL,
  dbPostgresSchema: process.env.DB_POSTGRES_SCHEMA || 'palabre',
  plc: { port: Number(process.env.PLC_PORT || 2582) },
  pds: { port: Number(process.env.PDS_PORT || 2583), hostname: 'localhost' },
  bsky: { port: Number(process.env.APPVIEW_PORT || 2584), publicUrl: `http://localhost:${process.env.APPVIEW_PORT || 2584}` },
  ozone: { port: Number(process.env.OZONE_PORT || 2587) },
})

const suffix = Math.floor(1000 + Math.random() * 9000)
const accounts = []
for (const name of ['lumiere', 'claire']) {
  const agent = new AtpAgent({ service: network.pds.url })
  const handle = `${name}${suffix}.test`
  const password = `${name}-password-${suffix}`
  await agent.createAccount({ handle, email: `${name}${suffix}@example.test`, password })
  const app = await agent.com.atproto.server.createAppPassword({ name: 'palabre' })
  accounts.push({ handle, did: agent.session.did, password, appPassword: app.data.password })
}

console.log(JSON.stringify({ ready: true, pds: network.pds.url, appview: network.bsky.url, plc: network.plc.url, accounts }))

let closing = false
const stop = async () => {
  if (closing) return
  closing = true
  await network.close()
  process.exit(0)
}
process.on('SIGTERM', stop)
process.on('SIGINT', stop)
