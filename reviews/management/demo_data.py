"""Word lists and catalogue for `manage.py seed_demo`: everything the demo community says and sells.

Pure data (no Django imports) so the text and image generators can be read and changed on their own.
Brands and people are invented; any resemblance to real ones is accidental.
"""

# --- Catalogue -----------------------------------------------------------------------------------

CATEGORIES: list[dict] = [
    {"slug": "skincare", "name": "Skincare", "description": "Cleansers, serums, moisturisers and sunscreen."},
    {"slug": "makeup", "name": "Makeup", "description": "Base, lips, eyes and cheeks."},
    {"slug": "haircare", "name": "Haircare", "description": "Shampoo, treatments and styling."},
    {"slug": "fragrance", "name": "Fragrance", "description": "Perfumes, mists and home-made layering."},
    {"slug": "electronics", "name": "Electronics", "description": "Audio, chargers and small gadgets."},
    {"slug": "snacks", "name": "Snacks", "description": "Crunchy, sweet, salty and everything in between."},
    {"slug": "home", "name": "Home", "description": "Candles, storage, cleaning and cosy things."},
    {"slug": "baby", "name": "Baby", "description": "Gentle care and gear for the littlest testers."},
]

# (name, categories it sells in, one-line description)
BRANDS: list[tuple[str, list[str], str]] = [
    ("Lumière Lab", ["skincare", "makeup"], "Clinical-feeling skincare with a soft-focus makeup line."),
    ("Hanami Botanics", ["skincare", "haircare"], "Plant-based formulas inspired by Japanese rituals."),
    ("Velvetine", ["makeup"], "Colour-first makeup in buildable, blurry textures."),
    ("Northfield Apothecary", ["skincare", "fragrance", "home"], "Small-batch apothecary from the north coast."),
    ("Maison Mistral", ["fragrance"], "Independent perfume house: wind, salt and citrus."),
    ("Tidepool Hair Co.", ["haircare"], "Haircare for every curl pattern and water type."),
    ("Glowhaus", ["makeup", "skincare"], "Dewy, skin-first makeup with skincare ingredients."),
    ("Aurel Audio", ["electronics"], "Earbuds and headphones tuned by ear, not by spreadsheet."),
    ("Pixelwave", ["electronics"], "Pocket-sized gadgets with good batteries."),
    ("Crunchwell", ["snacks"], "Crackers, chips and nuts with serious crunch."),
    ("Oat & Ember", ["snacks"], "Small-batch sweets and roasted snacks."),
    ("Nestique", ["home"], "Calm, tidy homes: storage, linen and scent."),
    ("Little Sprout", ["baby"], "Fragrance-free essentials for babies and sensitive skin."),
    ("Kumo Home", ["home", "baby"], "Soft goods for home and nursery."),
    ("Copperline", ["electronics", "home"], "Lamps, chargers and desk things that last."),
]

# Per category: (name, kind, shape, price low, price high). `shape` picks the drawing in demo_images.
PRODUCTS: dict[str, list[tuple[str, str, str, int, int]]] = {
    "skincare": [
        ("Ceramide Barrier Cream", "moisturiser", "jar", 18, 34),
        ("Hyaluronic Water Serum", "serum", "dropper", 14, 29),
        ("Gentle Gel Cleanser", "cleanser", "tube", 9, 18),
        ("Daily Fluid SPF 50", "sunscreen", "tube", 15, 28),
        ("Rice Milk Toner", "toner", "bottle", 12, 24),
        ("Overnight Sleeping Mask", "sleeping mask", "jar", 20, 38),
        ("Niacinamide 10% Serum", "serum", "dropper", 8, 19),
        ("Green Tea Cleansing Balm", "cleansing balm", "jar", 16, 30),
        ("Peptide Eye Cream", "eye cream", "tube", 22, 45),
        ("Centella Calming Gel", "gel moisturiser", "pump", 13, 26),
    ],
    "makeup": [
        ("Velvet Matte Lip Tint", "lip tint", "lipstick", 9, 22),
        ("Skin Tint SPF 30", "skin tint", "pump", 18, 36),
        ("Featherlight Mascara", "mascara", "pencil", 10, 26),
        ("Cream Blush Pot", "cream blush", "compact", 12, 28),
        ("Precision Brow Pencil", "brow pencil", "pencil", 8, 21),
        ("Soft Focus Setting Powder", "setting powder", "compact", 14, 32),
        ("Dewy Cushion Foundation", "cushion foundation", "compact", 20, 42),
        ("Glass Lip Oil", "lip oil", "lipstick", 11, 24),
        ("Everyday Eyeshadow Quad", "eyeshadow palette", "box", 16, 34),
        ("Long-wear Liquid Liner", "liquid liner", "pencil", 9, 20),
    ],
    "haircare": [
        ("Repair Shampoo", "shampoo", "pump", 10, 24),
        ("Silk Protein Conditioner", "conditioner", "bottle", 10, 24),
        ("Camellia Hair Oil", "hair oil", "dropper", 14, 30),
        ("Bond Repair Mask", "hair mask", "jar", 18, 36),
        ("Curl Defining Cream", "curl cream", "tube", 12, 26),
        ("Heat Protect Mist", "heat protectant", "spray", 11, 22),
        ("Sea Salt Scalp Scrub", "scalp scrub", "jar", 14, 28),
        ("Invisible Dry Shampoo", "dry shampoo", "spray", 8, 18),
        ("Weightless Leave-in Milk", "leave-in", "spray", 12, 25),
        ("Cloud Volumizing Mousse", "mousse", "spray", 10, 22),
    ],
    "fragrance": [
        ("Fig Leaf Eau de Parfum", "perfume", "perfume", 58, 140),
        ("Salt & Driftwood Cologne", "cologne", "perfume", 45, 110),
        ("Rose Smoke Parfum", "perfume", "perfume", 70, 160),
        ("White Tea Body Mist", "body mist", "spray", 14, 30),
        ("Amber Night Extrait", "extrait", "perfume", 90, 190),
        ("Citrus Grove Eau de Toilette", "eau de toilette", "perfume", 40, 95),
        ("Jasmine Solid Perfume", "solid perfume", "compact", 16, 32),
        ("Vanilla Cashmere Hair Mist", "hair mist", "spray", 18, 36),
        ("Seasons Discovery Set", "discovery set", "box", 22, 45),
        ("Vetiver Rollerball", "rollerball", "pencil", 20, 40),
    ],
    "electronics": [
        ("Aero ANC Earbuds", "earbuds", "compact", 49, 129),
        ("PowerSlim 10000 Power Bank", "power bank", "device", 19, 45),
        ("Halo Desk Lamp", "desk lamp", "device", 29, 79),
        ("Pulse Smartwatch", "smartwatch", "device", 79, 199),
        ("Tactile 75 Keyboard", "keyboard", "device", 69, 149),
        ("Beam Mini Projector", "projector", "box", 99, 249),
        ("Sonic Toothbrush", "electric toothbrush", "pencil", 29, 89),
        ("Breeze Handheld Fan", "handheld fan", "device", 12, 29),
        ("Studio Over-Ear Headphones", "headphones", "headphones", 89, 249),
        ("Drift Bluetooth Speaker", "speaker", "device", 39, 99),
    ],
    "snacks": [
        ("Sea Salt Rice Crackers", "crackers", "bag", 2, 5),
        ("Matcha Roasted Almonds", "almonds", "bag", 4, 9),
        ("72% Dark Chocolate", "chocolate bar", "box", 2, 6),
        ("Sour Peach Gummies", "gummies", "bag", 2, 5),
        ("Chili Crisp Peanuts", "peanuts", "jar", 4, 8),
        ("Honey Butter Chips", "chips", "bag", 2, 5),
        ("Crispy Seaweed Sheets", "seaweed snack", "box", 3, 7),
        ("Oat Protein Bites", "protein bites", "box", 4, 10),
        ("Mango Mochi", "mochi", "box", 4, 9),
        ("Black Sesame Granola", "granola", "bag", 5, 11),
    ],
    "home": [
        ("Linen Room Spray", "room spray", "spray", 12, 26),
        ("Fig & Cedar Soy Candle", "candle", "candle", 18, 42),
        ("Bamboo Storage Boxes", "storage boxes", "box", 19, 45),
        ("Microfiber Cleaning Cloths", "cleaning cloths", "box", 8, 16),
        ("Smoked Oak Reed Diffuser", "reed diffuser", "bottle", 20, 44),
        ("Speckled Stoneware Mug", "mug", "mug", 12, 28),
        ("Weighted Throw Blanket", "throw blanket", "box", 45, 110),
        ("Glass Meal Prep Containers", "food containers", "box", 18, 38),
        ("Fresh Cotton Scent Beads", "scent beads", "jar", 7, 15),
        ("Amber Glass Soap Dispenser", "soap dispenser", "pump", 10, 22),
    ],
    "baby": [
        ("Gentle Baby Wash", "baby wash", "pump", 7, 16),
        ("Diaper Rescue Balm", "diaper balm", "tube", 6, 14),
        ("Baby Sunscreen Stick", "sunscreen stick", "pencil", 9, 18),
        ("Soft Board Book Set", "board books", "box", 12, 28),
        ("Anti-colic Bottle", "baby bottle", "bottle", 9, 20),
        ("Cloud Sleep Sack", "sleep sack", "box", 24, 48),
        ("Calming Baby Lotion", "baby lotion", "pump", 8, 17),
        ("Silicone Teething Ring", "teether", "compact", 6, 14),
        ("Bamboo Water Wipes", "wipes", "bag", 3, 8),
        ("Splash Bath Toys", "bath toys", "box", 10, 22),
    ],
}

# Background, product and accent colours per category, so each shelf has its own mood.
PALETTES: dict[str, list[tuple[tuple[int, int, int], ...]]] = {
    "skincare": [
        ((246, 231, 225), (233, 200, 190), (255, 250, 246), (196, 120, 110)),
        ((226, 240, 233), (190, 220, 205), (250, 252, 250), (70, 140, 110)),
        ((236, 236, 250), (205, 205, 235), (255, 255, 255), (110, 110, 190)),
        ((250, 240, 220), (240, 215, 170), (255, 248, 236), (200, 140, 60)),
    ],
    "makeup": [
        ((250, 222, 230), (232, 160, 185), (60, 40, 50), (210, 60, 100)),
        ((245, 230, 215), (215, 175, 150), (180, 80, 70), (150, 60, 60)),
        ((235, 220, 245), (190, 150, 220), (240, 235, 245), (140, 70, 170)),
        ((255, 236, 224), (245, 190, 160), (220, 110, 90), (190, 70, 60)),
    ],
    "haircare": [
        ((220, 238, 244), (160, 205, 222), (255, 255, 255), (40, 120, 150)),
        ((245, 236, 220), (220, 195, 150), (120, 80, 40), (170, 110, 50)),
        ((232, 244, 226), (180, 215, 160), (250, 250, 245), (90, 140, 60)),
    ],
    "fragrance": [
        ((240, 228, 214), (200, 165, 130), (250, 215, 160), (150, 95, 50)),
        ((226, 232, 244), (150, 165, 205), (210, 225, 250), (60, 80, 140)),
        ((244, 222, 226), (200, 140, 155), (250, 200, 210), (150, 60, 80)),
        ((40, 38, 52), (90, 80, 110), (230, 190, 120), (240, 200, 140)),
    ],
    "electronics": [
        ((228, 232, 238), (170, 180, 195), (40, 44, 52), (60, 140, 240)),
        ((30, 34, 44), (70, 80, 100), (230, 232, 236), (90, 220, 200)),
        ((238, 236, 230), (200, 195, 185), (245, 245, 242), (240, 120, 60)),
    ],
    "snacks": [
        ((255, 240, 210), (250, 200, 120), (230, 80, 50), (120, 60, 30)),
        ((230, 244, 220), (170, 210, 140), (70, 130, 60), (200, 160, 60)),
        ((252, 230, 236), (245, 170, 190), (250, 140, 90), (180, 60, 90)),
        ((245, 235, 225), (200, 170, 140), (90, 60, 45), (210, 150, 80)),
    ],
    "home": [
        ((240, 236, 228), (210, 200, 185), (120, 140, 120), (170, 120, 80)),
        ((230, 236, 240), (185, 200, 210), (245, 245, 245), (90, 120, 140)),
        ((246, 236, 226), (225, 200, 175), (180, 110, 70), (120, 80, 60)),
    ],
    "baby": [
        ((238, 246, 250), (190, 222, 240), (255, 255, 255), (110, 170, 210)),
        ((252, 242, 230), (250, 215, 180), (255, 252, 248), (230, 150, 110)),
        ((240, 248, 236), (200, 230, 190), (255, 255, 250), (120, 180, 120)),
    ],
}

# --- People ---------------------------------------------------------------------------------------

FIRST_NAMES = (
    "Mina Sasha Aiko Priya Lena Chloe Jun Mateo Noor Yuki Camille Zara Olu Hana Ines Ravi Tomas Elif Maya Kai "
    "Leila Sofia Dani Wen Amara Finn Isla Rosa Arjun Sana Theo Luca Nadia Emeka Bea Jiwoo Freya Omar Lina Mei "
    "Ayla Hugo Nia Sora Eva Malik Ren Tara Joon Ada Iris Kofi Elena Marco Linh Anya Felix Rumi Keiko Paz"
).split()
LAST_INITIALS = "ABCDEFGHJKLMNOPRSTVWYZ"

# Handle endings per main interest: "mina.glow", "arjun.unboxed".
HANDLE_WORDS: dict[str, list[str]] = {
    "skincare": ["glow", "skin", "spf", "barrier", "dewy"],
    "makeup": ["blush", "lips", "swatches", "brows"],
    "haircare": ["curls", "hair", "shine"],
    "fragrance": ["scents", "notes", "sillage"],
    "electronics": ["tech", "gadgets", "unboxed"],
    "snacks": ["snacks", "crunch", "eats"],
    "home": ["home", "nest", "tidy"],
    "baby": ["mama", "papa", "littles"],
}

# Which interests people pick, roughly as on beauty-first review sites.
INTEREST_WEIGHTS: dict[str, int] = {
    "skincare": 9,
    "makeup": 7,
    "haircare": 5,
    "fragrance": 4,
    "electronics": 4,
    "snacks": 5,
    "home": 4,
    "baby": 3,
}

BIO_PERSONA: dict[str, list[str]] = {
    "skincare": [
        "Dry, sensitive skin and a long list of things that sting.",
        "Combination skin, 30s, slightly obsessed with sunscreen textures.",
        "Oily T-zone, dehydrated cheeks. It's complicated.",
        "Ingredient-list reader. Fragrance-free whenever possible.",
    ],
    "makeup": [
        "No-makeup makeup, but make it last through a 10-hour shift.",
        "Lip tint hoarder. I swatch everything on my arm first.",
        "Hooded eyes, oily lids; I test liners so you don't have to.",
    ],
    "haircare": [
        "3B curls and hard water. Wish me luck.",
        "Bleached twice, recovering slowly.",
        "Fine, flat hair looking for volume that lasts past noon.",
    ],
    "fragrance": [
        "Perfume diary keeper. I rate longevity on paper and on skin.",
        "Fig, salt and woods person. Not a gourmand fan.",
    ],
    "electronics": [
        "Commuter: earbuds, power banks, and whatever survives a bike bag.",
        "Audio nerd on a budget. I time battery life myself.",
        "Desk setup tinkerer. Cable management is self-care.",
    ],
    "snacks": [
        "Professional snacker, amateur runner.",
        "I rate crunch on a scale of one to gravel.",
        "Always hunting for the salty-sweet perfect bite.",
    ],
    "home": [
        "Small flat, big plans. Storage and candles mostly.",
        "Cleaning product optimist. Cosy-home pessimist.",
    ],
    "baby": [
        "New parent reviewing what actually survives a toddler.",
        "Twins and eczema-prone skin in our house, so I read every label.",
    ],
}
BIO_HONESTY = [
    "Bought with my own money unless I say otherwise.",
    "Honest reviews only; I post the misses too.",
    "I test things for at least two weeks before reviewing.",
    "Budget-first, but I will splurge when it's worth it.",
    "Long-term updates on everything I finish.",
    "If it broke me out, you will hear about it.",
]

# --- Reviews ---------------------------------------------------------------------------------------

# Slots shared by every category. {product}, {brand}, {kind} and {price} come from the product.
COMMON_SLOTS: dict[str, list[str]] = {
    "weeks": ["two", "three", "four", "five", "six", "eight"],
    "friend": ["my sister", "a friend", "my partner", "a coworker", "my mum"],
    "where": ["on sale", "at full price", "in a bundle", "after reading reviews here", "on a whim"],
}

OPENERS: dict[str, list[str]] = {
    "pos": [
        "I picked up the {product} {where} and it has earned its spot.",
        "{friend} recommended this {kind} and I owe them one.",
        "I was sceptical about another {kind}, but this one won me over.",
        "Bought it {where}, and it has become a daily favourite.",
    ],
    "mixed": [
        "I wanted to love the {product}, and I almost do.",
        "I bought this {kind} {where} after seeing it everywhere.",
        "This is my honest take after {weeks} weeks with the {product}.",
    ],
    "neg": [
        "I really wanted this {kind} to work.",
        "Bought the {product} {where} and regret it a little.",
        "The hype around this {kind} did not match my experience.",
    ],
}

# Long reviews say how the reviewer tested.
CONTEXT = [
    "Some context: I've tried a lot of products like this, so my bar is high.",
    "I used it daily for {weeks} weeks before writing this.",
    "For the record, I bought it myself; nobody sent it to me.",
    "I compared it side by side with the {kind} I used before.",
]

CLOSERS: dict[str, list[str]] = {
    "pos": [
        "Already on my second one. Would repurchase.",
        "For {price} this is an easy recommendation.",
        "This one stays in my rotation.",
        "Five stars from me, and I'm stingy with those.",
    ],
    "mixed": [
        "Good, not life-changing. Worth it on sale.",
        "I'll finish it, but I'm not sure I'll rebuy.",
        "Decent for {price}, but there are better options.",
    ],
    "neg": [
        "Not for me, and I'm returning it.",
        "Save your {price}.",
        "Passed it on to {friend}; maybe it works for them.",
        "I'll stick with what I used before.",
    ],
}

TITLES: dict[int, list[str]] = {
    5: [
        "Holy grail {kind}",
        "Worth every penny",
        "Finally, a {kind} that delivers",
        "Instant repurchase",
        "Believe the hype",
        "My new favourite {kind}",
    ],
    4: ["Really good, one small catch", "Solid {kind}", "Almost perfect", "Nice surprise", "Would buy again"],
    3: ["Fine, not special", "Mixed feelings", "Okay for the price", "Does the job", "Not bad, not great"],
    2: ["Disappointed", "Not worth the hype", "Wanted to like it", "Meh, returning it"],
    1: ["Do not buy", "Did not work for me at all", "Total miss", "Waste of money"],
}

ONE_LINERS: dict[str, list[str]] = {
    "pos": [
        "Does exactly what it says. Nothing more, nothing less.",
        "Five stars, no notes.",
        "Bought one, then bought three more.",
        "Best {kind} I've tried this year.",
    ],
    "mixed": ["It's fine. Just fine.", "Okay {kind}; I won't rebuy at full price.", "Nice, but overpriced."],
    "neg": ["Nope. Returned it.", "Not worth {price}.", "Would not buy again."],
}

UPDATES: dict[str, list[str]] = {
    "pos": [
        "Update after {weeks} weeks: still using it every day.",
        "Update: {friend} borrowed it and bought their own.",
    ],
    "mixed": [
        "Update after {weeks} weeks: the novelty wore off a bit, but it still does the job.",
        "Update: it's grown on me, but my original points stand.",
    ],
    "neg": [
        "Update after {weeks} weeks: the brand replied and offered a refund, which was nice.",
        "Update: gave it another try. Same result.",
    ],
}

GENERIC_TAGS = {
    "cheap": ["budget", "affordable"],
    "pricey": ["splurge", "luxury"],
    "pos": ["repurchase", "holy-grail", "gift", "worth-it"],
    "neg": ["not-worth-it", "disappointed", "returned"],
    "any": ["honest-review", "long-term"],
}

# Kinds of product that need their own sentences: a lip oil never "creases on the lids".
# A sentence, pro, con, tag or question written "group|text" is used only for that group.
KIND_GROUPS: dict[str, str] = {
    "lip tint": "lips",
    "lip oil": "lips",
    "mascara": "eyes",
    "brow pencil": "eyes",
    "eyeshadow palette": "eyes",
    "liquid liner": "eyes",
    "skin tint": "face",
    "cream blush": "face",
    "setting powder": "face",
    "cushion foundation": "face",
    "shampoo": "wash",
    "conditioner": "wash",
    "scalp scrub": "wash",
    "dry shampoo": "wash",
    "perfume": "spray",
    "cologne": "spray",
    "extrait": "spray",
    "eau de toilette": "spray",
    "body mist": "spray",
    "hair mist": "spray",
    "earbuds": "audio",
    "headphones": "audio",
    "speaker": "audio",
    "room spray": "scent",
    "candle": "scent",
    "reed diffuser": "scent",
    "scent beads": "scent",
    "baby wash": "skin",
    "diaper balm": "skin",
    "sunscreen stick": "skin",
    "baby lotion": "skin",
    "wipes": "skin",
}

# Per category: slots, sentence pools by sentiment, one-liners, pros, cons, tags, comment questions.
VOCAB: dict[str, dict] = {
    "skincare": {
        "slots": {
            "texture": ["lightweight gel", "bouncy cream", "watery essence", "rich balm", "silky fluid"],
            "scent": ["no scent at all", "a faint green-tea scent", "a light citrus scent", "a sweet floral scent"],
            "skin": ["dry skin", "oily skin", "sensitive skin", "combination skin", "acne-prone skin"],
            "finish": ["dewy", "satin", "matte", "slightly tacky"],
        },
        "pos": [
            "It's a {texture} that sinks in within a minute.",
            "My {skin} looks calmer and less red in the morning.",
            "There's {scent}, which my {skin} appreciates.",
            "It leaves a {finish} finish that sits well under makeup.",
            "No pilling under sunscreen, which is rare for me.",
            "Flaky patches around my nose were gone by the end of week {weeks}.",
            "A small amount covers my whole face, so it will last ages.",
        ],
        "mixed": [
            "The {texture} texture is nice, but it pills if I layer too fast.",
            "Hydration is good, though I didn't see the brightening they promise.",
            "The {finish} finish is lovely in winter and too much in summer.",
            "The packaging is pretty but not very practical.",
        ],
        "neg": [
            "It stung on my {skin} within seconds.",
            "I broke out along my jaw after a week, and I had patch tested.",
            "It left a {finish} film that never quite settled.",
            "The scent is much stronger than I expected for a face product.",
            "The packaging stopped dispensing with a third of the product still inside.",
        ],
        "one_liners": {
            "pos": ["My {skin} drinks this up.", "Zero irritation, real glow."],
            "neg": ["Stung on contact. Hard pass.", "Gave me closed comedones."],
        },
        "pros": ["gentle", "absorbs fast", "great under makeup", "lasts ages", "no irritation"],
        "cons": ["pills when layered", "strong scent", "awkward packaging", "slow results", "pricey for the size"],
        "tags": ["dry-skin", "oily-skin", "sensitive-skin", "fragrance-free", "acne-prone", "glass-skin"],
        "questions": [
            "Does it pill under sunscreen?",
            "Would this work on {skin}?",
            "Is it fragrance-free?",
            "Did you use it morning and night?",
        ],
    },
    "makeup": {
        "slots": {
            "wear": ["six hours", "a full workday", "an eight-hour shift", "about three hours", "a whole wedding"],
            "finish": ["blurry matte", "soft satin", "glassy", "natural skin-like"],
            "shade": ["the rose shade", "the warm nude", "the berry shade", "the coral", "the mauve"],
            "base_shade": ["the lightest shade", "shade 03", "the medium-warm shade", "the deepest shade"],
        },
        "pos": [
            "It lasted {wear} without touch-ups.",
            "It layers without getting patchy, so I can go sheer or bold.",
            "lips|{shade} is the most flattering everyday colour I own.",
            "lips|No transfer onto my mask or coffee cup.",
            "face|It gives a {finish} finish that looks like skin, not makeup.",
            "face|{base_shade} matched me perfectly, which never happens.",
            "eyes|Not a single smudge under my eyes by the evening.",
            "eyes|The tip is precise enough for a sharp flick.",
        ],
        "mixed": [
            "Looks gorgeous at first, but it only lasted {wear}.",
            "Great for daytime, but it doesn't survive a long evening.",
            "lips|{shade} is pretty but a bit drying by the afternoon.",
            "face|The {finish} finish emphasises texture a bit.",
            "face|{base_shade} oxidised slightly darker after an hour.",
            "eyes|It creases on my lids by the evening.",
        ],
        "neg": [
            "It faded after {wear} and looked patchy.",
            "The applicator is stiff and hard to control.",
            "lips|{shade} was nothing like the swatch online.",
            "lips|It flaked off and settled into every line on my lips.",
            "face|It clung to every dry patch and settled into fine lines.",
            "eyes|It smudged onto my lids within an hour.",
            "eyes|It flaked onto my cheeks by lunchtime.",
        ],
        "one_liners": {
            "pos": ["Wore it {wear}, still perfect.", "lips|{shade} is a dream."],
            "neg": ["Patchy mess on me.", "Smudged within an hour."],
        },
        "pros": ["long-wearing", "buildable", "travel friendly", "lips|flattering shades", "face|good shade range"],
        "cons": [
            "fades by evening",
            "flimsy packaging",
            "face|oxidises",
            "face|limited shade range",
            "lips|drying",
            "eyes|creases",
        ],
        "tags": ["long-wear", "no-makeup-makeup", "swatches", "everyday-makeup", "lips|lip-tint", "eyes|oily-lids"],
        "questions": [
            "Does it transfer onto masks?",
            "lips|Which shade are you wearing?",
            "lips|Is it drying?",
            "face|Which shade did you get?",
            "eyes|Is it waterproof?",
        ],
    },
    "haircare": {
        "slots": {
            "hair": ["curly hair", "fine hair", "bleached hair", "thick wavy hair", "straight, oily hair"],
            "scent": ["a salon-like scent", "a coconut scent", "a clean herbal scent", "almost no scent"],
            "days": ["two days", "three days", "until the next wash", "a full day"],
        },
        "pos": [
            "My {hair} feels softer after one use.",
            "It has {scent} that lingers just enough.",
            "A little goes a long way; one bottle lasted me three months.",
            "style|My hair stayed defined for {days} with no crunch.",
            "style|Detangling went from ten minutes to two.",
            "wash|My scalp feels clean without that squeaky, stripped feeling.",
            "wash|My roots stay fresh for {days}.",
        ],
        "mixed": [
            "Nice on {hair}, but it weighs mine down by day two.",
            "It has {scent}, which I could take or leave.",
            "Works well, but only if I use the whole routine.",
        ],
        "neg": [
            "It left my {hair} greasy and flat.",
            "My scalp was itchy for {days} afterwards.",
            "style|Frizz came back the moment I stepped outside.",
            "wash|It stripped my ends and left them straw-like.",
            "The nozzle clogs constantly.",
        ],
        "one_liners": {
            "pos": ["Softest my {hair} has felt in years.", "style|Frizz: gone."],
            "neg": ["Greasy by noon.", "Itchy scalp, no thanks."],
        },
        "pros": [
            "nice scent",
            "lightweight",
            "lasts",
            "style|less frizz",
            "style|good slip",
            "wash|gentle on the scalp",
        ],
        "cons": ["weighs hair down", "strong scent", "needs the whole routine", "wash|drying on the ends"],
        "tags": ["curly-hair", "fine-hair", "frizz", "bleached-hair", "hard-water", "scalp-care"],
        "questions": ["Does it work with hard water?", "Is it OK for colour-treated hair?", "How often do you use it?"],
    },
    "fragrance": {
        "slots": {
            "notes": [
                "fig leaf and cream",
                "salt, driftwood and lemon",
                "smoky rose",
                "white tea and musk",
                "amber and vanilla",
                "bergamot and vetiver",
            ],
            "hours": ["two hours", "four hours", "six hours", "eight hours"],
            "season": ["summer", "autumn evenings", "rainy days", "the office", "date nights"],
        },
        "pos": [
            "It opens with {notes} and dries down to something soft and warm.",
            "On my skin it lasts {hours}, which is great for the concentration.",
            "Perfect for {season}; I got two compliments on the first day.",
            "spray|The bottle is heavy and the sprayer gives a fine, even mist.",
            "other|Small enough to live in my bag for touch-ups.",
        ],
        "mixed": [
            "Lovely opening of {notes}, but it fades after {hours}.",
            "It's nice for {season}, just not very original.",
            "It stays close to the skin, so only people near you notice it.",
        ],
        "neg": [
            "On me it turns sour after {hours}.",
            "The {notes} from the description is barely there.",
            "It gave me a headache by lunchtime.",
            "Gone after {hours}, which is poor for the price.",
        ],
        "one_liners": {
            "pos": ["Smells like a holiday. 10/10.", "My {season} signature now."],
            "neg": ["Smells like cleaning spray on me.", "Vanished in an hour."],
        },
        "pros": ["long-lasting", "unique", "compliment getter", "spray|beautiful bottle", "other|travel friendly"],
        "cons": ["weak projection", "fades fast", "expensive", "too sweet", "sour dry-down"],
        "tags": ["perfume", "signature-scent", "long-lasting", "gourmand", "fresh", "blind-buy"],
        "questions": ["How does it compare to the original?", "Is it unisex?", "How long does it last on clothes?"],
    },
    "electronics": {
        "slots": {
            "battery": ["six hours", "eight hours", "nearly two days", "a full week", "a long-haul flight"],
            "use": ["my commute", "the gym", "working from cafes", "long calls", "travel"],
            "sound": ["warm bass", "crisp highs", "a flat, honest sound", "punchy mids"],
        },
        "pos": [
            "Setup took two minutes and it just works.",
            "Build quality feels premium for the price.",
            "Perfect for {use}; it's light and fits in any bag.",
            "audio|Battery life is excellent: I get {battery} of mixed use.",
            "audio|Pairing took five seconds and it reconnects instantly.",
            "audio|It has {sound}, with plenty of detail at low volume.",
            "audio|Noise cancelling takes the edge off a noisy train.",
            "gadget|It charges over USB-C and lasts {battery} between charges.",
        ],
        "mixed": [
            "Good for {use}, but the app is clunky.",
            "Charging is slow unless you use the brand's own cable.",
            "audio|Battery lasts {battery}, a bit less than advertised.",
            "audio|It sounds fine, though it gets muddy at high volume.",
            "gadget|Works well, but it's heavier than I expected.",
        ],
        "neg": [
            "It stopped charging after five weeks.",
            "Buttons are mushy and a firmware update bricked it for a day.",
            "It gets uncomfortably hot while charging.",
            "audio|Battery died after {battery}, half of what the box claims.",
            "audio|The connection drops every few minutes on {use}.",
            "gadget|The plastic creaks and one corner cracked within a month.",
        ],
        "one_liners": {
            "pos": ["Does its job quietly. Love it.", "Perfect for {use}."],
            "neg": ["Died in a month.", "audio|Connection drops constantly."],
        },
        "pros": ["solid build", "compact", "USB-C", "audio|battery life", "audio|fast pairing", "audio|good sound"],
        "cons": ["clunky app", "slow charging", "mushy buttons", "runs hot", "audio|connection drops"],
        "tags": ["wfh", "commute", "travel", "desk-setup", "audio|battery-life", "audio|noise-cancelling"],
        "questions": [
            "Does it support USB-C fast charging?",
            "Is the warranty easy to use?",
            "audio|How is the call quality?",
            "audio|Does it work with Android?",
        ],
    },
    "snacks": {
        "slots": {
            "crunch": ["a loud, glassy crunch", "a light, airy crunch", "a satisfying snap", "a chewy bite"],
            "flavour": ["sea salt", "toasty sesame", "sour peach", "mild chili", "honey butter", "dark cocoa"],
            "moment": ["movie night", "the 3 pm slump", "road trips", "my desk drawer", "after the gym"],
        },
        "pos": [
            "It has {crunch} that holds up even a day after opening.",
            "The {flavour} flavour is bold without being too salty.",
            "Perfect for {moment}; the pack was empty before I noticed.",
            "The ingredient list is short and readable.",
            "The resealable pack actually reseals.",
        ],
        "mixed": [
            "The {flavour} flavour is nice but fades fast.",
            "Good for {moment}, but the pack is half air.",
            "A bit too sweet for me, though my kids loved it.",
        ],
        "neg": [
            "Stale straight out of the pack.",
            "The {flavour} flavour tastes artificial and lingers.",
            "Way too salty to finish.",
            "Half the pieces were crushed to crumbs.",
        ],
        "one_liners": {
            "pos": ["Dangerously snackable.", "Best {moment} snack."],
            "neg": ["Stale and sad.", "Too sweet to finish."],
        },
        "pros": ["great crunch", "bold flavour", "short ingredient list", "resealable", "cheap"],
        "cons": ["too salty", "half air", "crumbles", "artificial aftertaste", "small pack"],
        "tags": ["crunchy", "sweet", "salty", "vegan", "low-sugar", "office-snack", "spicy"],
        "questions": ["Where did you buy it?", "Is it very spicy?", "Does it contain nuts?"],
    },
    "home": {
        "slots": {
            "scent": ["fig and cedar", "clean linen", "smoked oak", "fresh cotton", "orange blossom"],
            "room": ["the living room", "a small bathroom", "the hallway", "my bedroom", "the kitchen"],
            "months": ["two months", "three months", "half a year"],
        },
        "pos": [
            "It looks far more expensive than it is.",
            "scent|The {scent} fills {room} without being overpowering.",
            "scent|The scent lasted well over a month.",
            "things|It still looks new after {months} of daily use.",
            "things|Sturdy, well made and easy to clean.",
            "things|It fits the space exactly, and it has made the room calmer.",
            "scent|Guests asked what the scent was within minutes.",
        ],
        "mixed": [
            "Does the job, though it's smaller than I pictured.",
            "scent|Nice {scent}, but it barely reaches beyond {room}.",
            "things|Looks great but marks easily.",
            "scent|Lovely at first, but I stopped noticing it after a few days.",
            "things|The colour is a shade duller than in the photos.",
        ],
        "neg": [
            "Smaller than the photos suggest.",
            "scent|The {scent} smells synthetic and gave me a headache.",
            "scent|The scent was gone within a week.",
            "things|It cracked within {months}.",
            "things|It started falling apart after a few washes.",
        ],
        "one_liners": {
            "pos": ["scent|Makes {room} feel like a hotel.", "things|Exactly what my flat needed."],
            "neg": ["Smaller than it looks.", "things|Broke in a week."],
        },
        "pros": ["looks premium", "good value", "scent|lovely scent", "things|sturdy", "things|easy to clean"],
        "cons": ["smaller than pictured", "scent|weak scent throw", "things|marks easily"],
        "tags": ["small-space", "cosy", "eco", "scent|candles", "things|organisation", "things|cleaning"],
        "questions": ["What size did you get?", "scent|How long does the scent last?", "things|Is it dishwasher safe?"],
    },
    "baby": {
        "slots": {
            "baby": ["my newborn", "our six-month-old", "my toddler", "the twins"],
            "skin": ["eczema-prone skin", "sensitive skin", "dry patches", "nappy rash"],
            "weeks": ["two", "four", "six", "eight"],
        },
        "pos": [
            "Easy to use one-handed, which matters at 3 am.",
            "skin|Gentle enough for {baby}, even with {skin}; no redness at all.",
            "skin|Fragrance-free and the ingredient list is short.",
            "gear|Survived {weeks} weeks of daily use and a lot of chewing.",
            "gear|{baby} actually likes it, which is the real test.",
            "gear|Goes through the dishwasher without fading.",
            "skin|A little goes a long way, so one tube lasts.",
        ],
        "mixed": [
            "Works, but it's pricey for how fast we go through it.",
            "skin|Gentle, but the texture is thicker than I'd like.",
            "gear|Fine for {baby}, though it's fiddly to clean.",
            "skin|Does the job, though it's harder to rinse off than I'd like.",
            "gear|Nice idea, but the sizing runs small.",
        ],
        "neg": [
            "skin|It made {baby}'s {skin} worse.",
            "skin|There's an added scent, despite the 'gentle' label.",
            "skin|Leaked in the nappy bag twice.",
            "gear|The seams came apart after {weeks} weeks.",
            "gear|{baby} lost interest after a day.",
            "gear|Mould appeared inside within {weeks} weeks.",
        ],
        "one_liners": {
            "pos": ["Nappy bag essential.", "skin|No more rashes here."],
            "neg": ["skin|Irritated my baby's skin.", "gear|Fell apart fast."],
        },
        "pros": ["good value", "easy one-handed", "skin|gentle", "skin|fragrance-free", "gear|durable"],
        "cons": ["pricey", "skin|leaks", "skin|added scent", "gear|hard to clean"],
        "tags": ["newborn", "toddler", "parenting", "skin|eczema", "skin|fragrance-free", "gear|nappy-bag"],
        "questions": ["From what age did you use it?", "skin|Is it OK for newborns?", "gear|Is it easy to clean?"],
    },
}

COMMENTS_GENERIC = [
    "Thanks for the honest review, saving this.",
    "Same experience here.",
    "This is exactly what I needed to read before buying.",
    "Great photos, really helps to see the texture.",
    "Interesting, mine was the opposite.",
    "Adding it to my wishlist.",
    "How long did you use it before reviewing?",
]
AUTHOR_REPLIES = [
    "Thanks! Glad it helped.",
    "Yes, I used it daily for the whole time.",
    "Not in my experience, but everyone is different.",
    "Good question; I'll add it to my update.",
]
BRAND_REPLIES = [
    "Thank you for the honest feedback. We've shared it with our product team.",
    "Sorry this didn't work for you. Please contact our support team so we can help.",
    "Thanks for taking the time to write this; details like these help us improve.",
]

PHOTO_NOTES = ["day 1", "week 2", "week 4", "empties", "swatch", "before", "after", "haul", "unboxing", "texture"]
