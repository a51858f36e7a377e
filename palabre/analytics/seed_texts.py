"""The demo history's post texts: a bakery's posts, by category, dealt to each channel.

Written for the demo (real-looking French posts, none over 255 characters so every
network's variant fits), and drawn with a generator of their own so that the history's
figures do not move when a text changes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from palabre.analytics.insights import LENGTH_BANDS
from palabre.channels.models import Channel


@dataclass(frozen=True)
class PostText:
    idea: str  # the line the calendar shows
    body: str

    def for_network(self, network: str) -> str:
        return self.body + NETWORK_TAGS.get(network, "")


# Hashtags where people find posts through them (on Mastodon in CamelCase, which screen
# readers say as words), none where they read as noise. No body is over 255 characters, so
# every variant fits X (280, weighted) and Bluesky (300 graphemes).
NETWORK_TAGS = {
    "instagram": "\n\n#boulangerie #lyon",
    "mastodon": "\n\n#Boulangerie #Lyon",
    "linkedin": "\n\n#artisanat #boulangerie",
}
TEXT_STREAM = 1  # the texts' generator's second seed word: another deals other texts


class PostTexts:
    """The bakery's posts dealt to each channel from a shuffled deck: a channel says
    everything once before it says anything twice. A post's text is taken in the length band
    its figures were drawn for (the insights group posts by these bands), so every figure
    stays the one the draw made."""

    def __init__(self, seed: int) -> None:
        # A generator of their own: a draw from the history's would move every later one,
        # and every figure the tests and the benchmarks know with it.
        self.rng = np.random.default_rng([seed, TEXT_STREAM])
        self.decks: dict[tuple[int, str, int], list[PostText]] = {}

    def deal(self, channel: Channel, category: str, length: int) -> PostText:
        band = _length_band(length)
        key = (channel.pk, category, band)
        if not self.decks.get(key):
            texts = POST_TEXTS[category]
            fitting = [
                t for t in texts if _length_band(len(t.for_network(channel.network))) == band
            ]
            deck = fitting or texts
            self.decks[key] = [deck[i] for i in self.rng.permutation(len(deck))]
        return self.decks[key].pop()


def _length_band(length: int) -> int:
    return next(n for n, (low, high) in enumerate(LENGTH_BANDS) if low <= length < high)


def _post_texts(block: str) -> list[PostText]:
    """One post a line: "idea | text"."""
    return [PostText(*line.split(" | ")) for line in block.strip().splitlines()]


HELPFUL = """
Pain rassis | Pain rassis ? Il fait le meilleur pain perdu.
Congeler le pain | Le pain se congèle très bien, tranché.
Torchon plutôt que plastique | Un torchon en coton, jamais de sac plastique.
Réchauffer une baguette | 5 minutes à 180 °C : la croûte revient.
Levain et digestion | Le levain rend le pain plus digeste.
Choisir sa baguette | Une baguette bien cuite sonne creux.
Croissant de la veille | Croissant d'hier ? 3 minutes au four, et voilà.
Pain de seigle | Le seigle se garde une semaine sans souci.
Trancher au dernier moment | Tranchez le pain au dernier moment.
Commander la veille | Pour 10 baguettes ou plus, commandez la veille.
La planche en bois | Le pain se garde mieux sur une planche en bois.
Le sel dans le pain | Notre pain contient 1,5 % de sel, pas plus.
Conserver la miche | Une miche au levain se garde 4 à 5 jours : posez-la face coupée contre la planche, dans un torchon. Pas au frigo, il la dessèche.
Décongeler sans rater | Pour décongeler votre pain, laissez-le une heure à température ambiante, puis 5 minutes au four chaud. Il redevient croustillant.
Les allergènes en boutique | La liste des allergènes de chaque produit est affichée en boutique. Demandez-la, nous la mettons à jour à chaque recette.
Pain perdu anti-gaspi | Recette anti-gaspi : pain rassis, 2 œufs, 25 cl de lait, une cuillère de sucre. Poêle beurrée, 3 minutes par face. Parfait.
Quel pain pour le fromage | Avec un comté, essayez notre pain aux noix. Avec un chèvre frais, la tradition. Avec un bleu, le seigle aux figues.
La farine T80 | Notre tradition est faite avec une farine T80 : plus de son, plus de goût, et une mie légèrement crème. Demandez-la au comptoir.
Et le sans gluten ? | Nous n'avons pas de pain sans gluten : le fournil utilise du blé partout, nous ne pourrions pas garantir l'absence de traces.
Le levain maison | Le levain, c'est de la farine et de l'eau, nourries chaque jour. Le nôtre a huit ans. Il donne au pain son goût acidulé.
Brioche de la veille | Une brioche de la veille se tranche et se toaste. Avec un peu de beurre salé, c'est presque meilleur que le jour même.
Un pain pour la semaine | Vous ne passez qu'une fois par semaine ? Prenez un grand pain de campagne au levain : il tient jusqu'au samedi suivant.
Commandes des fêtes | Pour les fêtes, commandez vos bûches et vos pains surprise au moins cinq jours avant, en boutique ou par téléphone.
Chapelure maison | Les croûtons et fonds de pain se mixent en chapelure : une semaine en bocal fermé, parfaite pour gratiner les légumes.
Pourquoi la baguette durcit | Une baguette durcit vite : beaucoup de croûte pour peu de mie. Pour le lendemain, préférez une boule ou un bâtard.
Couper une miche | Pour couper une miche sans l'écraser : un couteau à dents, un mouvement de scie, sans appuyer. Commencez par le centre.
Venir à vélo | Deux arceaux à vélo sont installés devant la boutique. Pratique pour passer le matin sans chercher où vous garer.
Le sucre des croissants | Nos croissants ne contiennent que 8 % de sucre : le goût vient du beurre AOP et de la fermentation lente.
Les heures de cuisson | Le pain sort du four trois fois par jour : à 7 h, 11 h 30 et 16 h 30. Pour une baguette encore tiède, c'est le moment.
Le pain complet | Le pain complet garde toutes les parties du grain. Plus de fibres, plus de minéraux, et une mie dense qui rassasie.
Le pain aux graines | Notre pain aux graines : lin, tournesol, courge et sésame, trempés la veille pour que la mie reste moelleuse.
La pâte à pizza | Notre pâte à pizza est en vente le vendredi, en pâtons de 250 g. Sortez-la du frigo une heure avant de l'étaler.
Garder son pain une semaine | Garder son pain une semaine, c'est possible : choisissez un pain au levain, gardez-le dans un torchon ou une huche, face coupée contre la planche. Le cinquième jour, toastez-le. Le septième, faites-en du pain perdu. Rien ne se jette !
Congeler, mode d'emploi | Congeler le pain, mode d'emploi : tranchez-le frais, mettez-le dans un sac bien fermé, et sortez seulement les tranches du jour. Elles vont directement au grille-pain, sans décongeler. Du bon pain tous les matins.
Jamais au frigo | Ne mettez jamais votre pain au réfrigérateur : l'amidon y durcit trois fois plus vite qu'à température ambiante. Une huche, une boîte en bois ou un simple torchon font bien mieux. Et s'il y a de la place, le congélateur.
Lire une étiquette | Un « pain de tradition française » ne peut contenir que farine, eau, sel et levain ou levure. Aucun additif : c'est la loi depuis 1993. Tous nos pains de tradition respectent ce décret, et nous en sommes fiers.
Bien cuit, sur demande | Vous aimez le pain bien cuit ? Dites-le au comptoir : nous gardons toujours quelques baguettes plus dorées pour les amateurs de croûte. Et pour ceux qui la préfèrent plus claire, il y en a aussi, demandez simplement.
Faire son levain | Envie de faire votre levain ? Mélangez 50 g de farine de seigle et 50 g d'eau tiède, couvrez, et nourrissez-le chaque jour pendant une semaine. Quand il double en quatre heures, il est prêt. Et si ça bloque, passez nous voir.
Fruits à coque | Allergies aux fruits à coque : nos pains nature n'en contiennent pas, mais le fournil travaille aussi les noix et les noisettes. Nous ne pouvons donc pas exclure les traces. La liste complète est disponible en boutique.
Du pain pour l'effort | Avant une longue sortie à vélo ou une course, un pain complet ou aux céréales donne une énergie plus durable qu'une baguette blanche. Ajoutez un peu de miel et une banane, et vous voilà prêt pour la matinée.
Le pain du dimanche | Le dimanche, nous fermons à 13 h. Pour être sûr d'avoir votre pain, réservez-le le samedi en boutique ou par téléphone : nous le mettons de côté à votre nom, même pour une seule baguette. Et le pain du samedi soir se garde très bien jusqu'au lundi.
Des farines d'ici | Nos farines viennent d'un moulin à 30 km d'ici, qui travaille des blés cultivés dans l'Ain et en Isère. Un circuit court, une farine moulue sur meule de pierre, et un pain qui a vraiment le goût de la région. Le meunier passe nous voir chaque mois.
Reconnaître un bon croissant | Un bon croissant se reconnaît à son feuilletage bien visible, à sa couleur dorée et à son odeur de beurre. Pressez-le doucement : il doit reprendre sa forme. S'il est gras au toucher, passez votre chemin.
Le goûter des enfants | Pour le goûter des enfants, une tranche de pain de campagne et un carré de chocolat noir : le classique qui ne vieillit pas. Moins de sucre qu'un gâteau, et ils adorent. Notre petit pain au chocolat noir plaît aussi.
Un sandwich qui tient | Pour un sandwich qui ne détrempe pas : beurrez le pain jusqu'aux bords, glissez la salade entre le fromage et le jambon, et gardez les tomates à part. Préférez une ficelle ou une demi-tradition, plus croustillantes.
Réchauffer une miche | Pour réchauffer une miche entière, passez-la vite sous le robinet, puis dix minutes au four à 200 °C. L'eau devient vapeur et la croûte redevient croustillante. L'astuce marche aussi pour une baguette de la veille.
Un pain sans sel | Vous suivez un régime sans sel ? Nous préparons un pain sans sel ajouté le mardi et le vendredi. Il a un goût différent, mais le levain lui donne du caractère. Pensez à le commander la veille, nous en faisons peu.
La fermentation lente | Pourquoi notre pain a-t-il autant de goût ? La pâte repose 18 heures au frais avant d'être façonnée. Pendant ce temps, les levures et les bactéries du levain développent des arômes qu'une pâte pressée n'aura jamais.
Réchauffer la galette | Pour réchauffer une galette des rois, dix minutes à 150 °C suffisent. Pas plus chaud, sinon la frangipane sèche. Et vérifiez où se cache la fève avant de couper les parts des plus petits. Une galette se garde deux jours, sous un torchon.
Combien de pain pour 20 | Pour un apéritif de 20 personnes, comptez environ 4 pains de campagne ou 6 baguettes, selon le reste du buffet. Nous pouvons aussi les trancher pour vous : précisez-le simplement au moment de la commande, deux jours avant.
La farine de seigle | Le seigle contient moins de gluten que le blé : la mie est plus dense et le pain lève moins. En échange, il se garde longtemps, et son goût légèrement acide va très bien avec les fruits de mer et le fromage.
Entretenir sa huche | Une huche à pain garde une humidité stable et laisse le pain respirer. Nettoyez-la au vinaigre blanc une fois par mois pour éviter les moisissures. Et n'y mettez jamais de pain encore chaud : la vapeur y ferait naître des moisissures.
Le pain de la soupe | L'hiver, rien ne vaut un pain de campagne grillé avec une soupe. Frottez la tranche d'une gousse d'ail, un filet d'huile d'olive, et posez-la au fond du bol avant de verser le bouillon. Une recette de grand-mère.
La couleur du croissant | La couleur dorée d'un croissant vient de la réaction de Maillard : les sucres et les protéines brunissent à la cuisson. C'est elle qui donne ce parfum de noisette grillée que l'on aime tant le matin. Plus la cuisson est longue, plus le goût est profond.
Transporter une tarte | Pour transporter une tarte sans l'abîmer, gardez-la bien à plat dans sa boîte, au sol de la voiture plutôt que sur un siège. Pour un long trajet, demandez-nous un sac isotherme : nous en avons au comptoir.
Le pain du foie gras | Pour le foie gras des fêtes, oubliez le pain de mie industriel : essayez notre pain brioché ou notre pain aux figues, légèrement toasté. Tranchez fin, servez tiède. Et commandez tôt : en décembre, les fournées partent très vite.
Des sacs en papier | Nos sacs à pain sont en papier kraft non blanchi, recyclable et compostable. Et si vous venez avec votre sac en tissu, nous notons un passage de plus sur votre carte de fidélité. Dix passages, une viennoiserie offerte.
Notre pâte feuilletée | Notre pâte feuilletée est faite maison, pur beurre, avec six tours. Vous pouvez en commander un bloc de 500 g pour vos recettes : elle se garde trois jours au frais ou deux mois au congélateur, bien emballée.
Reconnaître un vrai levain | Comment reconnaître un vrai pain au levain ? Une croûte épaisse, une mie aux alvéoles irrégulières, un goût légèrement acidulé, et plusieurs jours de conservation. Chez nous, le levain est nourri chaque matin depuis huit ans.
Le petit-déjeuner | Au petit-déjeuner, une tartine de pain complet avec du beurre et de la confiture apporte fibres et énergie jusqu'à midi, bien plus que des céréales sucrées. Et c'est quand même meilleur avec un pain sorti du four à 7 h.
Livraison aux aînés | Vous ne pouvez pas vous déplacer ? Nous livrons le pain aux personnes âgées du quartier le mardi et le vendredi matin, gratuitement. Appelez la boutique pour vous inscrire, ou demandez à un voisin de passer nous voir.
Cuire sa pizza | Pour cuire notre pâte à pizza à la maison : four au maximum, plaque préchauffée, garniture légère. Huit minutes suffisent. Le secret : une pâte étalée à la main, jamais au rouleau, pour garder les bulles d'air du bord.
"""
ENTERTAINING = """
4 h du matin | 4 h du matin, le fournil est déjà chaud. ☕
La première fournée | La première fournée vient de sortir. Ça sent bon !
Journée farine | Journée farine. Sur le plan de travail, et ailleurs.
Le levain a huit ans | Notre levain fête ses huit ans aujourd'hui. 🎂
1 200 croissants | Ce matin : 1 200 croissants façonnés à la main.
Record de baguettes | Nouveau record : 640 baguettes vendues samedi !
Le four | Notre four à sole pèse 3 tonnes. Il ne bouge plus.
Jour de pluie | Il pleut. Les croissants, eux, sont bien au sec.
Le pain qui chante | Vous entendez le pain chanter en refroidissant ?
Pause café | La pâte lève, l'équipe boit son café. Pause.
Livraison de farine | Livraison : deux tonnes de farine. Bras en feu.
La dernière baguette | La dernière baguette du jour est partie à 19 h 28.
Une nuit au fournil | À 3 h 30, Julien allume le four. À 4 h, la pâte de la veille est façonnée. À 7 h, vous poussez la porte. Une nuit comme les autres.
Le vieux pétrin | Notre pétrin a 35 ans. Il fait un bruit de vieux tracteur, mais il pétrit mieux que n'importe quelle machine neuve. On le garde.
La grigne | La grigne, c'est l'entaille sur la baguette. Chaque boulanger a sa signature : la nôtre, cinq coups de lame bien réguliers.
Le premier croissant | Le premier croissant du matin n'est jamais vendu : toute l'équipe le goûte pour vérifier la cuisson. Un métier difficile.
Bravo Léna | Léna, notre apprentie, a obtenu son CAP boulanger avec mention ! Deux ans de réveils à 4 h, et une baguette qui a bluffé le jury.
Le chat du voisin | Le chat du voisin s'assoit chaque matin devant la vitrine à 6 h 45. Il n'achète jamais rien, mais il est très ponctuel.
Le concours de baguette | Concours de la meilleure baguette de Lyon : pas de podium, mais une belle 12e place sur 80. On revient l'an prochain !
La boutique en 1952 | Notre boutique était déjà une boulangerie en 1952. Les carreaux au sol sont d'origine : une cliente nous a apporté une photo.
Douze secondes | Façonner une baguette prend 12 secondes à Julien. Il en façonne 400 par nuit : plus d'une heure de gestes parfaits.
La brioche à six brins | Tresser une brioche à six brins, c'est faire une natte les yeux fermés. Inès a mis trois semaines à y arriver.
La musique du fournil | Au fournil, la musique dépend de qui arrive le premier. Lundi, jazz. Mardi, rap. Mercredi, chanson. Le pain ne se plaint pas.
Les couronnes des fêtes | Nos couronnes des fêtes demandent deux jours de travail : une nuit de pousse, une journée de décor. Éphémères, mais superbes.
Visite au moulin | Visite au moulin ce matin : notre farine sortait des meules de pierre. Un bruit incroyable, et une odeur de blé chaud.
Le jour sans sel | Confession : il y a dix ans, nous avons oublié le sel dans une fournée entière. Le pain était fade. Les poules du voisin ont adoré.
La vitrine de Noël | La vitrine de Noël est installée ! Sapin en pain d'épices, traîneau en nougatine et renne en pâte à sel. Trois soirées de travail.
Les lève-tôt | À 7 h pile, les premiers clients sont là. Certains viennent depuis vingt ans, à la même heure, pour la même baguette. Merci.
Il fait chaud | L'été, il fait 32 °C au fournil. Nous buvons des litres d'eau, et la pâte lève deux fois plus vite. Tout se règle à la minute.
Essai au sarrasin | Troisième essai de pain au sarrasin aujourd'hui : la mie est parfaite, la croûte pas encore. On recommence demain. À suivre !
Des mains de boulanger | Les mains d'un boulanger racontent le métier : petites brûlures du four, corne du pétrissage, et une peau très douce grâce à la farine.
Le vélo cargo | Notre vélo cargo a passé les 5 000 km de livraisons cette année. Pas un litre d'essence, et beaucoup de sourires dans le quartier.
Trois jours pour un croissant | Un croissant, c'est trois jours de travail. Jour 1 : la détrempe et le beurre. Jour 2 : le tourage et une nuit au froid. Jour 3 : le façonnage à 4 h, la pousse, la cuisson. Vingt secondes pour le manger, trois jours pour le faire.
L'histoire de la baguette | La baguette n'a qu'une centaine d'années. On raconte qu'une loi de 1920, qui interdisait de travailler avant 4 h, a poussé les boulangers vers un pain long et fin, qui cuit plus vite. Vraie ou pas, on aime cette histoire.
Les nuits de Julien | Julien, notre chef boulanger, travaille de nuit depuis quinze ans. Son moment préféré : 5 h, quand la première fournée sort et que le quartier dort encore. Le silence, l'odeur du pain, et la radio en sourdine.
Le levain voyageur | Notre levain a voyagé : une cliente partie vivre au Canada en a emporté un petit pot dans sa valise. Elle nous envoie des photos de ses pains de Montréal. Un peu de Lumière de l'autre côté de l'océan !
Bienvenue à Karim | Bienvenue à Karim, qui rejoint le fournil ! Il arrive de Marseille après cinq ans dans une boulangerie de quartier, et sa fougasse risque bien d'entrer dans notre vitrine. Passez lui dire bonjour, il commence mardi.
Le four en panne | Mardi, 4 h 10 : le four tombe en panne. Panique au fournil. Un technicien arrive à 5 h, le four repart à 6 h 20, et la première fournée sort à 7 h 05. Cinq minutes de retard seulement. Merci pour votre patience !
Les dessins des enfants | Les enfants de l'atelier du mercredi nous ont laissé leurs dessins : des baguettes géantes, un four qui crache des flammes et un boulanger à moustache. Ils sont affichés en boutique. Venez les voir, ils sont superbes.
400 000 baguettes | Depuis l'ouverture, nous avons vendu plus de 400 000 baguettes. Mises bout à bout, elles iraient de Lyon à Mâcon. Chacune a été façonnée à la main, dans ce petit fournil de 40 mètres carrés derrière la boutique.
Une baguette de 4 mètres | Pour la fête du quartier, nous avons fait une baguette de 4 mètres. Il a fallu trois personnes pour la porter, et le four du boulanger d'à côté. Elle a été partagée en 150 morceaux en moins de dix minutes.
Le secret de la brioche | Le secret de notre brioche ? Du beurre, beaucoup de beurre, ajouté petit à petit pendant le pétrissage, puis une nuit entière au frais. Au matin, elle a doublé de volume. On la dore deux fois à l'œuf avant d'enfourner.
Le rituel de 6 h 55 | Chaque matin à 6 h 55, juste avant l'ouverture, l'équipe prend une minute pour goûter le pain du jour. On vérifie la croûte, la mie, le sel. Si ce n'est pas parfait, on le dit. C'est notre rituel, il ne change jamais.
Paul au fournil | Paul, qui fait nos photos, a passé une nuit au fournil. Bilan : deux baguettes tordues, un croissant en forme de cœur, et un immense respect pour le métier. Il a promis de revenir, mais peut-être pas avant 4 h du matin.
Le pain de la marraine | À l'ouverture, la marraine de Camille nous a donné sa recette de pain aux noix. Nous la suivons toujours, presque sans rien changer. Juste un peu plus de noix, parce que vous en redemandiez à chaque fois.
Portes ouvertes | Samedi, 80 personnes ont visité le fournil pour nos portes ouvertes. Les enfants ont façonné leur petit pain, les parents ont posé mille questions, et Julien a expliqué le levain au moins trente fois.
Les sacs de farine | Un sac de farine pèse 25 kg, et nous en utilisons douze par jour. Ça fait 300 kg de farine à porter, à verser et à pétrir. Pas besoin d'abonnement à la salle de sport quand on est boulanger, on vous le garantit.
La canicule | Pendant la canicule, nous avons avancé le travail d'une heure pour fuir la chaleur. Le fournil a quand même atteint 38 °C à 10 h. La pâte levait à toute vitesse, et les croissants fondaient presque avant d'entrer au four.
Le beurre des Charentes | Notre beurre vient d'une laiterie des Charentes, en AOP. Plus riche et plus souple à travailler, il fait toute la différence au tourage : c'est lui qui sépare un croissant correct d'un grand croissant.
Le lexique du fournil | Petit lexique du fournil : le bassinage, c'est ajouter de l'eau en fin de pétrissage. Le pointage, la première pousse. L'apprêt, la dernière. Et le coup de lame, c'est la grigne. De quoi briller au prochain dîner.
Le marathon | Trois de nos boulangers ont couru le marathon de Lyon. Départ à 8 h, après une nuit au fournil pour deux d'entre eux. Ils ont tous terminé, et chacun a mangé une baguette entière à l'arrivée. Bravo l'équipe !
La poule de Pâques | Pour Pâques, Inès a sculpté une poule en chocolat de 60 cm de haut. Quatre jours de travail, entre deux fournées. Elle trône en vitrine jusqu'à lundi. Et non, elle n'est pas à vendre, désolés pour les gourmands.
Un matin de neige | Ce matin, la neige bloquait la rue. Julien est venu à pied, une heure de marche dans le froid. La boutique a ouvert à l'heure, et les premiers clients ont eu droit à un chocolat chaud offert. Merci d'être venus !
La porte du four à bois | Avant notre four à sole, il y avait ici un four à bois. Nous avons retrouvé sa porte en fonte pendant les travaux, avec une date gravée : 1927. Elle est maintenant accrochée au mur de la boutique, au-dessus des baguettes.
La recette ratée | Notre pire essai de l'année : un pain au curcuma et au chocolat blanc. L'idée semblait bonne sur le papier. Le résultat était jaune, sucré et franchement étrange. Il n'est jamais sorti du fournil, et c'est tant mieux.
Le carnet de recettes | Au fournil, un carnet couvert de farine garde toutes nos recettes, écrites à la main depuis l'ouverture. Pages tachées, cornées, annotées : c'est sans doute l'objet le plus précieux de toute la boulangerie.
Le soleil de juin | En juin, vers 5 h 30, le soleil se lève pile dans l'axe de la rue et éclaire la vitrine pendant que nous rangeons les premières baguettes. Si vous êtes matinal, venez voir : ce moment vaut vraiment le détour.
Monsieur Bernard | Monsieur Bernard vient chercher sa demi-baguette bien cuite chaque jour depuis 1987. Il a connu trois boulangers dans cette boutique, et il dit que notre pain est le meilleur des trois. On le croit, évidemment.
200 croissants pour 8 h | Une entreprise voisine nous a commandé 200 croissants pour 8 h. Nous avions lu 20. Panique à 6 h 30, toute l'équipe au façonnage, et les 200 croissants livrés à 8 h 10. On s'en souviendra longtemps, eux aussi.
Les chutes de pâte | Que deviennent les chutes de pâte feuilletée ? Des palmiers, des torsades au sucre, parfois de petits croissants pour les enfants. Rien ne se perd au fournil, et ces gourmandises partent souvent avant 10 h.
Le concert du matin | À 4 h, le fournil a ses bruits : le four qui ronronne, le pétrin qui tourne, la radio, la lame qui grigne les baguettes. Puis à 6 h, le camion du lait et les volets de la boutique. Un concert que nous connaissons par cœur.
Douze ans déjà | La boulangerie Lumière a douze ans aujourd'hui ! Merci à chacun de vous, aux habitués comme aux nouveaux visages. Pour fêter ça, une part de brioche attend chaque client ce samedi, et l'équipe prépare un gâteau géant.
"""
CONVERSATION = """
Tradition ou classique | Tradition ou baguette classique ? 🥖
Croissant ou pain au chocolat | Croissant ou pain au chocolat, ce matin ?
Bien cuite ou pas | Baguette bien cuite ou pas trop cuite ?
Le quignon | Qui mange le quignon sur le chemin du retour ? 🙋
Chocolatine | Chocolatine ou pain au chocolat ? On ne juge pas.
La brioche du dimanche | Brioche du dimanche : nature ou aux pépites ?
La tartine idéale | Votre tartine idéale, c'est quoi ?
Croûte ou mie | Team croûte ou team mie ?
Le pain du week-end | Quel pain pour votre week-end ?
Le goûter d'enfance | Votre goûter d'enfance à la boulangerie ?
L'heure du pain | Vous venez à quelle heure chercher votre pain ?
Doux ou salé | Beurre doux ou beurre salé sur la tartine ?
Potiron ou châtaigne | Deux nouveautés pour l'automne : un pain au potiron ou une brioche à la châtaigne. Laquelle vous ferait venir ?
Vos souvenirs de boulangerie | Quel est votre plus beau souvenir de boulangerie ? Nous, c'est l'odeur du pain chaud chez la grand-mère de Camille.
Horaires d'été | Cet été, vous préférez que nous ouvrions plus tôt, dès 6 h 30, ou plus tard le soir, jusqu'à 20 h ? Dites-le en commentaire.
Un nom pour le pain | Notre nouveau pain aux céréales n'a pas encore de nom. Vos idées en commentaire ! Le nom choisi gagne un mois de pain.
Un atelier pour adultes | Un atelier pain pour adultes, un samedi matin, ça vous tente ? Deux heures au fournil, et vous repartez avec votre levain.
La viennoiserie préférée | Votre viennoiserie préférée ? Le croissant reste en tête chez nous, mais le pain aux raisins remonte fort cette année.
La tartine salée | Votre tartine salée préférée sur du pain de campagne ? Chez nous, c'est beurre, radis et fleur de sel. Et chez vous ?
Sucré ou salé | Pain perdu : sucré à la cannelle, ou salé au fromage ? Le débat fait rage au fournil depuis ce matin.
Vos recettes de famille | Avez-vous une recette de famille avec du pain rassis ? Nous aimerions en partager quelques-unes ici, avec votre accord.
Moins de plastique | Nous voulons supprimer les derniers emballages plastiques de la boutique. Vos idées pour les gâteaux et les sandwichs ?
Quelle galette | Galette des rois : frangipane classique, ou pommes et caramel ? Aidez-nous à prévoir les quantités sans nous tromper.
La musique du samedi | Quelle musique aimeriez-vous entendre en boutique le samedi matin ? Nous cherchons une playlist qui plaise à tous.
Avant ou après le marché | Le dimanche, vous passez plutôt avant ou après le marché ? Nous adaptons nos fournées à vos habitudes.
Le pain de mie | Faut-il remettre le pain de mie maison à la carte ? Il a disparu cet hiver, et certains d'entre vous le réclament.
Vos pique-niques | Montrez-nous vos pique-niques avec notre pain ! Les plus belles photos seront affichées en boutique tout l'été.
Un premier mot | Quel est le premier mot qui vous vient en pensant à notre boulangerie ? Nous sommes curieux, soyez honnêtes.
Demi ou entière | Demi-baguette ou baguette entière pour deux personnes ? Nous pensons à un format intermédiaire. Votre avis ?
Livrer à vélo | Une livraison de pain à vélo le samedi matin, dans le quartier, ça vous intéresserait ? Dites-nous combien vous seriez.
Tartes ou flans | Tartes aux fruits de saison ou flans pâtissiers ? Nous voulons étoffer la vitrine de l'après-midi, aidez-nous à choisir.
Vos questions à Julien | Une question sur le pain, la farine ou le levain ? Posez-la en commentaire : Julien répondra à toutes vendredi.
Votre rituel du samedi | Le samedi matin, certains viennent en famille, d'autres à vélo avant le marché, d'autres en pyjama sous le manteau (si, si, on vous voit). Racontez-nous votre rituel : on adore savoir ce que devient notre pain une fois la porte passée.
Le pain de votre enfance | Chaque région a son pain d'enfance : la fougasse en Provence, le pain brié en Normandie, la couronne à Lyon. Quel est le pain de votre enfance ? Si nous recevons assez de réponses, nous en ferons un par mois, promis.
L'atelier de septembre | L'atelier des enfants reprend en septembre, avec cette année une séance sur les viennoiseries et une autre sur les pains du monde. Quelles recettes aimeriez-vous que vos enfants apprennent ? Toutes les idées sont bonnes à prendre.
Un panier anti-gaspi | Chaque soir, il nous reste quelques pains : ils partent à une association du quartier. Nous voudrions aussi proposer un panier anti-gaspi à prix réduit en fin de journée. Seriez-vous intéressés ? Dites-le en commentaire.
Ouvrir le lundi | Nous fermons le lundi depuis l'ouverture. Certains nous demandent d'ouvrir le lundi matin, au moins jusqu'à 13 h. Pour l'équipe, ce serait une autre organisation. Ça vous servirait vraiment ? Votre avis nous aidera à décider.
La recette de la communauté | Chaque mois, vous proposez une idée de pain ou de gâteau, vous votez, et la recette gagnante passe en vitrine une semaine, avec le nom de la personne qui l'a proposée. C'est la recette de la communauté. Première idée ?
Combien de pains | Combien de pains achetez-vous par semaine ? Une baguette par jour, une grosse miche le samedi, ou seulement pour les grandes occasions ? Nous essayons de mieux prévoir nos fournées pour moins jeter. Vos réponses nous aident.
La nouvelle vitrine | Nous avons réaménagé la vitrine pour mieux voir les pains spéciaux. Certains la trouvent plus claire, d'autres regrettent les corbeilles en osier. Et vous, qu'en pensez-vous ? Nous pouvons encore changer avant l'hiver.
Une dégustation avec le fromager | Quel fromage mangez-vous avec notre pain aux noix ? Nous hésitons entre un vieux comté et un bleu de Gex. Nos voisins fromagers proposent une dégustation commune, un vendredi soir. Vous viendriez goûter ?
Les collégiens | Des élèves du collège voisin vont nous interviewer sur le métier de boulanger. Nous aimerions leur répondre avec vos questions aussi : qu'avez-vous toujours voulu savoir ? Les horaires, le levain, la formation ?
La fête des voisins | Pour la fête des voisins, nous pensons installer une table devant la boutique avec du pain, des tartinades et de la limonade maison. Qui serait partant pour apporter un plat ou donner un coup de main ? On fait ça ensemble.
La formule goûter | À la sortie de l'école, quel goûter préfèrent vos enfants ? Pain au chocolat, chausson aux pommes, pain d'épices ? Nous aimerions proposer une formule goûter avec un fruit et une boisson, à petit prix. Bonne idée ?
Baptiser la miche | Notre miche au levain de 2 kg s'appelle juste « la grosse miche ». Un peu triste, non ? Proposez un nom en commentaire. Nous choisirons vendredi avec l'équipe, et le gagnant repartira avec la première miche baptisée.
Les pains du monde | Après la focaccia et le pain pita, quel pain du monde aimeriez-vous trouver chez nous ? Bagel, pain de seigle nordique, naan, challah ? Julien a très envie d'essayer, et le plus demandé sortira en édition limitée.
Tickets-restaurant | Nous pensons accepter les tickets-restaurant et le sans contact dès un euro. Est-ce que cela changerait vos habitudes le midi ? Nous voulons rendre le passage à la boutique plus simple, sans vous compliquer la vie.
La boîte à idées | Une boîte à idées vous attend désormais sur le comptoir. Suggestions, critiques, compliments : l'équipe lit tout le lundi. Vous pouvez aussi nous écrire ici. Quelle est la première chose que vous aimeriez changer ?
Un brunch le dimanche | Un brunch le dimanche matin, dans la petite salle derrière la boutique, ça vous dirait ? Pain, viennoiseries, œufs, fromage, jus pressé. Huit places, sur réservation. Dites-nous si l'idée vous plaît avant qu'on se lance.
Le meilleur moment | Quel est votre meilleur moment pour passer chez nous ? Le matin tôt pour le pain encore chaud, le midi pour un sandwich, ou le soir pour la dernière baguette ? Nous voulons savoir quand renforcer l'équipe au comptoir.
Moins de sucre | Nous voulons réduire de 10 % le sucre de nos viennoiseries. Nos tests à l'aveugle n'ont rien révélé, mais vous êtes les meilleurs juges. Seriez-vous d'accord pour goûter les deux versions samedi et nous donner votre avis ?
Un mur de photos | Vous êtes nombreux à photographier nos pains. Nous aimerions créer un mur de photos dans la boutique, avec vos plus beaux clichés. Vous êtes d'accord ? Envoyez-les-nous en message privé, avec le prénom à afficher.
La carte de fidélité | Notre carte de fidélité en papier a dix ans. Faut-il passer à une version sur téléphone, ou garder le carton qu'on tamponne ? Les deux ont leurs fans dans l'équipe. Votez en commentaire, et dites-nous pourquoi.
Le pain le plus original | Quel est le pain le plus original que vous ayez goûté ? En voyage, chez un ami, au restaurant ? Nous cherchons des idées pour la prochaine édition limitée, et nous aimons être surpris. Racontez-nous tout, en détail.
Un pain protéiné | Plusieurs clients sportifs nous demandent un pain plus riche en protéines. Nous pensons à un pain aux lentilles et aux graines. Vous seriez tentés ? Si oui, comment aimeriez-vous le manger : en tartine ou en sandwich ?
La gamme apéro | À l'apéritif, vous préférez les gressins, les petits pains aux olives ou une fougasse à partager ? Nous préparons une gamme apéro pour l'été, et vos réponses décideront de la vitrine. Vous avez jusqu'à dimanche pour voter.
Vos critiques | Soyons honnêtes : que pourrions-nous faire mieux ? L'attente du samedi, le choix en fin de journée, les prix ? Nous lisons toutes vos remarques, même celles qui piquent, et nous en discutons chaque lundi avec toute l'équipe.
Le pain de Noël | Pour Noël, nous voulons créer un pain qui ne sortira qu'une semaine. Épices, fruits secs, orange confite ? Ou plutôt un pain salé pour accompagner le repas ? Dites-nous ce qui manquerait vraiment à votre table de fête.
Trois générations | Qui vient chez nous avec ses grands-parents, ou ses petits-enfants ? Le mercredi, nous voyons souvent trois générations au comptoir, et cela nous touche. Racontez-nous ce que vous partagez : une viennoiserie, une habitude ?
La fournée du soir | Nous pensons ajouter une fournée à 17 h 30, pour que le pain du soir soit aussi frais que celui du matin. Ça vous intéresse ? À quelle heure rentrez-vous du travail, en général ? Vos réponses décideront de l'horaire.
Votre boîte à pain | Comment gardez-vous votre pain à la maison ? Huche, boîte en métal, torchon, sac en papier, ou sur la table sans rien ? Nous préparons un petit guide de conservation, et vos astuces de famille pourraient y trouver leur place.
Un seul pain | Si vous ne deviez garder qu'un seul de nos pains, lequel serait-ce ? La tradition, la miche au levain, le pain aux noix ou la fougasse ? Nous comptons les votes jusqu'à vendredi, et le gagnant sera à moitié prix samedi matin.
"""
PROMOTIONAL = """
Un croissant offert | Aujourd'hui, un croissant offert pour 5 achetés.
La formule midi | Formule midi : sandwich, boisson, dessert à 9,50 €.
Le pain au sarrasin | Nouveau : le pain au sarrasin, tous les jeudis.
Les galettes sont là | Les galettes des rois sont arrivées ! 👑
Fermeture d'août | Fermé du 5 au 19 août. Bonnes vacances !
Commandes de bûches | Commandes de bûches ouvertes jusqu'au 20/12.
Le pain du mois | Pain du mois : seigle, figues et noisettes.
Baguette du soir | Dès 18 h 30, la baguette est à 0,90 €.
Ouverts le 1er mai | Exceptionnellement ouverts le 1er mai, de 7 h à 13 h.
Les chouquettes | Le sachet de 10 chouquettes à 3 € ce week-end.
Les fraisiers | Les fraisiers sont de retour en vitrine. 🍓
Dix passages, une offerte | Dix passages, une viennoiserie offerte.
L'atelier des enfants | Mercredi, atelier pain pour les 6-10 ans : ils repartent avec leur petite miche. 12 €, places limitées, inscription en boutique.
La brioche au sucre perlé | Nouvelle recette : la brioche au sucre perlé arrive vendredi. 6,50 € la grande, 2,20 € la petite. Tiède, elle est irrésistible.
Le panier anti-gaspi | Chaque soir dès 19 h, un panier anti-gaspi à 4 € : pains et viennoiseries du jour. Réservez-le en boutique dès le matin.
On recrute au comptoir | Nous recrutons un·e vendeur·se en CDI, 35 h, du mardi au samedi. Le sourire et le goût du contact avant tout. CV en boutique.
Gâteaux d'anniversaire | Nos gâteaux d'anniversaire se commandent 48 h à l'avance : fraisier, forêt-noire ou framboisier, de 6 à 20 parts.
Les plateaux apéritifs | Pour vos apéritifs, des plateaux de 30 mini-sandwichs à partir de 35 €. Commande 48 h avant, retrait en boutique.
Fête des mères | Pour la fête des mères, un cœur en brioche tressée, décoré à la main. 8 €, sur commande jusqu'à jeudi. Il y en aura peu.
Le sans contact dès 1 € | Bonne nouvelle : la carte est acceptée dès 1 €, en sans contact. Plus besoin de chercher la monnaie pour une baguette.
Le dimanche jusqu'à 13 h 30 | Dès ce mois-ci, nous restons ouverts le dimanche jusqu'à 13 h 30 au lieu de 13 h. Une demi-heure de plus pour les lève-tard.
La couronne de Pâques | Pour Pâques, la couronne briochée aux fruits confits revient : 14 € la grande, pour 8 personnes. Commandes jusqu'à vendredi.
Les croissants aux amandes | Nos croissants aux amandes sont faits avec les croissants de la veille et une crème d'amande maison. Zéro gaspillage.
Soirée pain et fromage | Vendredi à 19 h, dégustation pain et fromage avec la fromagerie voisine. 15 € par personne, dix places, sur réservation.
La tarte du week-end | Ce week-end, tarte aux abricots et au romarin, à la part ou entière. Les abricots viennent de la Drôme, cueillis mardi.
Le sandwich du mois | Sandwich du mois : poulet rôti, pesto maison, roquette et parmesan, dans notre focaccia. 6,90 €, jusqu'à fin juin.
Les glaces de l'été | Nouveauté de l'été : des glaces maison à la vanille, à la fraise et au caramel au beurre salé. 2,50 € la boule, dès samedi.
Pour les restaurants | Restaurateurs du quartier : nous livrons chaque matin avant 10 h des pains adaptés à votre carte, dès 20 pièces par jour.
La carte cadeau | La carte cadeau Lumière existe : de 10 à 50 €, valable un an sur toute la boutique. Une idée simple pour les gourmands.
La fougasse du samedi | Le samedi, la fougasse aux olives et au thym sort du four à 10 h. Elle part vite : réservez-la la veille si vous y tenez.
Le retour du pain de mie | Le pain de mie maison est de retour ! Pur beurre, sans sucre ajouté, en 500 g. Parfait pour les croque-monsieur du dimanche.
L'offre étudiants | Étudiants, sur présentation de votre carte : croissant et café à 2,50 €, du mardi au vendredi, jusqu'à 10 h.
La semaine du goût | Pour la semaine du goût, un pain différent chaque jour : lundi le petit épeautre, mardi le seigle, mercredi le pain aux algues, jeudi le maïs, vendredi le khorasan. Dégustation gratuite au comptoir toute la journée, venez goûter !
L'atelier pour adultes | Nouveau : un atelier pain pour adultes, un samedi par mois de 8 h à 11 h. Pétrissage, façonnage et cuisson avec Julien, café et croissants compris. Vous repartez avec votre pain et un pot de levain. 45 €, six places.
La livraison à vélo | Dès le 1er mars, nous livrons à vélo dans le quartier le samedi et le dimanche matin. Commandez la veille avant 18 h, en boutique ou par téléphone, dès 10 € d'achat. Livraison gratuite entre 8 h et 10 h, pain encore tiède.
Les bûches de Noël | Nos bûches de Noël sont à commander jusqu'au 20 décembre : praliné noisette, marron et cassis, ou trois chocolats. De 4 à 12 parts, de 22 à 58 €. Retrait les 23, 24 et 31 décembre. Pains surprise et pains spéciaux aussi.
On recrute au fournil | Nous recrutons un·e boulanger·ère en CDI à Lyon, 39 h, de nuit, deux jours de repos consécutifs. Formation au levain assurée par Julien. Vous aimez le travail bien fait et les équipes soudées ? Passez avec votre CV.
Les galettes des rois | Les galettes des rois sont là : frangipane pur beurre, pommes et caramel, ou chocolat et poire. De 4 à 8 parts, de 14 à 28 €. Chaque fève en porcelaine a été dessinée cette année par les enfants de l'atelier du mercredi.
Le petit-déjeuner à emporter | Notre petit-déjeuner à emporter : un café, un jus d'orange pressé et une viennoiserie au choix, pour 4,90 €, du mardi au vendredi de 7 h à 10 h. Pour les pressés, commandez-le la veille : il vous attend au comptoir.
Portes ouvertes au fournil | Samedi 14, portes ouvertes au fournil ! Visites toutes les heures de 9 h à 16 h, démonstration de façonnage, dégustation de pains spéciaux et atelier pour les enfants. Entrée libre, inscription pour la visite, par groupes de dix.
Le cœur de la Saint-Valentin | Pour la Saint-Valentin, un pain en forme de cœur, au levain et aux framboises séchées, à partager en amoureux, entre amis ou en famille. 7 € la pièce, du 12 au 14 février. Nous en ferons 80, pas un de plus : réservez-le vite.
Douze ans de Lumière | La boulangerie fête ses douze ans samedi ! Toute la journée, une part de brioche offerte à chaque client, une tombola avec un an de baguettes à gagner, et un gâteau géant partagé à 16 h devant la boutique. C'est grâce à vous.
Au marché de la Croix-Rousse | Le dimanche, retrouvez-nous au marché de la Croix-Rousse avec nos pains au levain, nos brioches et nos fougasses. Même qualité qu'en boutique, mêmes prix. Réservez avant samedi 18 h : votre commande vous attend au stand.
Les chocolats de Pâques | Les chocolats de Pâques sont arrivés ! Œufs, poules, lapins et fritures, faits au fournil avec un chocolat noir à 70 % et un chocolat au lait de Normandie. De 3 à 25 €. Et samedi matin, chasse aux œufs dans la boutique pour les petits.
Tout le levain en bio | Tous nos pains au levain sont désormais certifiés bio, de la farine au sel. Deux ans de travail avec notre meunier et nos agriculteurs pour y arriver. Et bonne nouvelle : les prix ne changent pas. Merci à tous ceux qui nous ont suivis.
L'abonnement pain | Nouveau : l'abonnement pain. Vous choisissez vos pains de la semaine, vous payez au mois, et votre sac vous attend chaque matin au comptoir, sans faire la queue. À partir de 25 € par mois. Inscription en boutique ou par message.
Les buffets d'entreprise | Réunion, séminaire, pot de départ ? Nous préparons des buffets pour les entreprises : mini-viennoiseries, sandwichs, quiches, tartelettes et boissons. Dès 10 personnes, devis gratuit sous 24 h, livraison possible dans tout Lyon.
La fête de la musique | Pour la fête de la musique, la boutique reste ouverte jusqu'à minuit ! Pizzas, fougasses, bières artisanales et un groupe de jazz du quartier devant la vitrine. Venez avec vos amis, votre instrument, et surtout votre bonne humeur.
Le pain de novembre | Le pain de novembre : un levain aux châtaignes et au miel de sapin. Une croûte épaisse, une mie douce et légèrement sucrée, parfaite avec un fromage de montagne. Tous les jours jusqu'au 30, dans la limite des fournées.
Les points de la rentrée | Pour la rentrée, la carte de fidélité double ses points tout le mois de septembre : une viennoiserie offerte tous les cinq passages au lieu de dix. Demandez votre carte au comptoir : elle est gratuite et tient dans un portefeuille.
Les pains surprise | Pour les fêtes, nos pains surprise : 48 petits sandwichs au saumon, au jambon cru, au fromage frais et aux noix, présentés dans un pain de seigle. 39 €, de quoi régaler 10 personnes. Commande cinq jours avant, retrait en boutique.
La fournée de 17 h 30 | Dès lundi, une nouvelle fournée sort à 17 h 30 : traditions, miches et pains aux céréales. Fini le pain du matin le soir ! Vous nous l'aviez demandé : nous avons réorganisé le fournil pour vous le proposer, sans changer nos horaires.
Le stage d'été | Cet été, stage de boulangerie pour les 11-15 ans : trois matinées en juillet, du pain aux viennoiseries. Tabliers fournis, goûter compris, et un diplôme de petit boulanger à la fin. 60 € les trois matinées, inscription jusqu'au 30 juin.
Soupe et pain | Tout l'hiver, le midi, une formule soupe maison et pain de campagne à 6,50 €. Potiron, poireaux ou lentilles corail selon les jours, dans un bocal consigné que vous nous rapportez la fois suivante. Simple, chaud et sans déchet.
Notre levain en pot | Envie de faire votre pain à la maison ? Nous vendons notre levain en pots de 100 g, à 2 €, avec une fiche recette. Il suffit de le nourrir pour le garder vivant des années. Et pour toute question, Julien vous répond en boutique.
Le poulailler de Pâques | Pour Pâques, la vitrine devient un poulailler gourmand : poules en chocolat, nids en nougatine et œufs peints à la main. Tout est à vendre, et chaque achat donne un ticket pour notre grande tombola. Tirage le lundi de Pâques à 11 h.
Les croissants du dimanche | Le dimanche, pour 10 croissants achetés avant 9 h, la confiture maison est offerte : abricot ou fraise, préparée avec les fruits d'un producteur de la Drôme. De quoi régaler toute la famille au petit-déjeuner, pour moins de 15 €.
Les invendus en application | Nos invendus du soir sont désormais sur une application anti-gaspillage : un panier surprise de 12 € de produits pour 4 €, à retirer entre 19 h et 19 h 30. Moins de pain jeté, et de bonnes affaires pour vous. Tout le monde y gagne.
Le pain surprise d'anniversaire | Un anniversaire à fêter ? Notre pain surprise de 50 toasts est parfait pour l'apéritif : saumon, rillettes, fromage et crudités dans une grosse miche décorée. 45 €, sur commande 72 h à l'avance. Nous pouvons même y écrire un prénom.
Le cours de tartes | Inès, notre pâtissière, donne un cours de tartes aux fruits le dernier samedi du mois. Pâte sablée, crème pâtissière, fruits de saison : vous repartez avec votre tarte pour six. 50 €, quatre places, à réserver en boutique.
Noël par message | Cette année, vos commandes de Noël peuvent aussi se faire par message : envoyez votre liste, nous confirmons le retrait dans l'heure. Bûches, pains spéciaux, plateaux et chocolats. Paiement au retrait, les 23, 24 et 31 décembre.
Le coffret fête des pères | Pour la fête des pères, un coffret de trois pains d'exception : seigle aux figues, miche au levain de 1 kg et pain aux noix, avec un beurre demi-sel de Bretagne. 22 €, emballé dans un torchon en lin. Sur commande jusqu'à jeudi.
"""
POST_TEXTS = {
    "helpful": _post_texts(HELPFUL),
    "entertaining": _post_texts(ENTERTAINING),
    "conversation": _post_texts(CONVERSATION),
    "promotional": _post_texts(PROMOTIONAL),
}
