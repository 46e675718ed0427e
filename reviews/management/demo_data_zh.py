"""The Chinese half of the demo community: catalogue names in Chinese, and what Chinese-writing
members say, in the style of Little Red Book notes (short lines, emoji, #话题 tags).

Pure data, like demo_data. Slots: {product} (the product's Chinese name), {brand}, {weeks}, {price}.
"""

# --- Catalogue names -----------------------------------------------------------------------------

CATEGORY_NAMES = {
    "skincare": "护肤",
    "makeup": "彩妆",
    "haircare": "护发",
    "fragrance": "香氛",
    "electronics": "数码",
    "snacks": "零食",
    "home": "家居",
    "baby": "母婴",
}

BRAND_NAMES = {
    "Lumière Lab": "光萃实验室",
    "Hanami Botanics": "花见植萃",
    "Velvetine": "丝绒缇",
    "Northfield Apothecary": "北野药房",
    "Maison Mistral": "米斯特拉香氛",
    "Tidepool Hair Co.": "潮汐护发",
    "Glowhaus": "光屋",
    "Aurel Audio": "奥瑞声学",
    "Pixelwave": "像素波",
    "Crunchwell": "脆好吃",
    "Oat & Ember": "燕麦与炭火",
    "Nestique": "巢意",
    "Little Sprout": "小芽",
    "Kumo Home": "云朵家居",
    "Copperline": "铜线",
}

PRODUCT_NAMES = {
    "Ceramide Barrier Cream": "神经酰胺修护屏障面霜",
    "Hyaluronic Water Serum": "玻尿酸水光精华",
    "Gentle Gel Cleanser": "温和凝胶洁面",
    "Daily Fluid SPF 50": "清透防晒乳 SPF50",
    "Rice Milk Toner": "米乳爽肤水",
    "Overnight Sleeping Mask": "晚安睡眠面膜",
    "Niacinamide 10% Serum": "10%烟酰胺精华",
    "Green Tea Cleansing Balm": "绿茶卸妆膏",
    "Peptide Eye Cream": "多肽眼霜",
    "Centella Calming Gel": "积雪草舒缓凝胶",
    "Velvet Matte Lip Tint": "丝绒雾面唇釉",
    "Skin Tint SPF 30": "素颜轻透粉底液 SPF30",
    "Featherlight Mascara": "羽感纤长睫毛膏",
    "Cream Blush Pot": "奶油腮红",
    "Precision Brow Pencil": "极细眉笔",
    "Soft Focus Setting Powder": "柔焦定妆散粉",
    "Dewy Cushion Foundation": "水光气垫",
    "Glass Lip Oil": "镜面唇油",
    "Everyday Eyeshadow Quad": "日常四色眼影",
    "Long-wear Liquid Liner": "持久眼线液笔",
    "Repair Shampoo": "修护洗发水",
    "Silk Protein Conditioner": "丝蛋白护发素",
    "Camellia Hair Oil": "山茶花护发精油",
    "Bond Repair Mask": "结构修护发膜",
    "Curl Defining Cream": "卷发定型霜",
    "Heat Protect Mist": "耐热防护喷雾",
    "Sea Salt Scalp Scrub": "海盐头皮磨砂膏",
    "Invisible Dry Shampoo": "隐形干发喷雾",
    "Weightless Leave-in Milk": "轻盈免洗护发乳",
    "Cloud Volumizing Mousse": "云朵蓬松慕斯",
    "Fig Leaf Eau de Parfum": "无花果叶浓香水",
    "Salt & Driftwood Cologne": "海盐浮木古龙水",
    "Rose Smoke Parfum": "玫瑰烟熏香精",
    "White Tea Body Mist": "白茶身体喷雾",
    "Amber Night Extrait": "琥珀之夜香精",
    "Citrus Grove Eau de Toilette": "柑橘果园淡香水",
    "Jasmine Solid Perfume": "茉莉固体香膏",
    "Vanilla Cashmere Hair Mist": "香草羊绒发香喷雾",
    "Seasons Discovery Set": "四季香水小样套装",
    "Vetiver Rollerball": "香根草走珠香水",
    "Aero ANC Earbuds": "Aero 主动降噪耳机",
    "PowerSlim 10000 Power Bank": "PowerSlim 10000 超薄充电宝",
    "Halo Desk Lamp": "光环护眼台灯",
    "Pulse Smartwatch": "Pulse 智能手表",
    "Tactile 75 Keyboard": "Tactile 75 机械键盘",
    "Beam Mini Projector": "Beam 迷你投影仪",
    "Sonic Toothbrush": "声波电动牙刷",
    "Breeze Handheld Fan": "清风手持小风扇",
    "Studio Over-Ear Headphones": "头戴式录音室耳机",
    "Drift Bluetooth Speaker": "漂流蓝牙音箱",
    "Sea Salt Rice Crackers": "海盐米饼",
    "Matcha Roasted Almonds": "抹茶烤杏仁",
    "72% Dark Chocolate": "72%黑巧克力",
    "Sour Peach Gummies": "酸甜桃子软糖",
    "Chili Crisp Peanuts": "香辣脆花生",
    "Honey Butter Chips": "蜂蜜黄油薯片",
    "Crispy Seaweed Sheets": "脆海苔",
    "Oat Protein Bites": "燕麦蛋白球",
    "Mango Mochi": "芒果麻薯",
    "Black Sesame Granola": "黑芝麻燕麦脆",
    "Linen Room Spray": "亚麻室内香氛喷雾",
    "Fig & Cedar Soy Candle": "无花果雪松香薰蜡烛",
    "Bamboo Storage Boxes": "竹制收纳盒",
    "Microfiber Cleaning Cloths": "超细纤维抹布",
    "Smoked Oak Reed Diffuser": "烟熏橡木藤条香薰",
    "Speckled Stoneware Mug": "斑点粗陶马克杯",
    "Weighted Throw Blanket": "重力毯",
    "Glass Meal Prep Containers": "玻璃保鲜饭盒",
    "Fresh Cotton Scent Beads": "清新棉香留香珠",
    "Amber Glass Soap Dispenser": "琥珀玻璃皂液瓶",
    "Gentle Baby Wash": "婴儿温和沐浴露",
    "Diaper Rescue Balm": "护臀膏",
    "Baby Sunscreen Stick": "儿童防晒棒",
    "Soft Board Book Set": "宝宝纸板书套装",
    "Anti-colic Bottle": "防胀气奶瓶",
    "Cloud Sleep Sack": "云朵睡袋",
    "Calming Baby Lotion": "婴儿舒缓润肤乳",
    "Silicone Teething Ring": "硅胶牙胶",
    "Bamboo Water Wipes": "竹纤维湿巾",
    "Splash Bath Toys": "洗澡玩具套装",
}

# demo_plan.VARIANTS in Chinese.
VARIANT_NAMES = {"Travel Size": "旅行装", "Refill": "替换装", "Limited Edition": "限定版", "Duo Pack": "双支装"}

# --- People --------------------------------------------------------------------------------------

DISPLAY_NAMES = (
    "小鹿爱护肤 橙子酱 是阿柚呀 一只胖桃 芝士奶盖 晚风与猫 今天也要早睡 小满 momo不吃香菜 "
    "鹿鹿同学 糖糖Tang 周末去哪儿 西柚气泡水 阿珂的日常 栗子小姐 软糖不软 梨涡浅浅 七七Qi "
    "草莓味的云 小林在测评 多肉葡萄 阿brave 月亮邮递员 山茶与海 一颗菠萝 Lily在上海 "
    "米粒不吃辣 空瓶小能手 爱囤货的猪 番茄炒蛋"
).split()

BIO_PERSONA = {
    "skincare": ["混油敏感肌🌿 成分党", "干皮一枚 专注修护屏障", "护肤七年 踩过的雷比你多"],
    "makeup": ["日常淡妆爱好者💄", "黄一白 唇釉收集癖", "新手化妆 记录每一次进步"],
    "haircare": ["自然卷 和毛躁斗争中", "漂过三次的头发 养发日记", "细软塌 蓬松是永远的追求"],
    "fragrance": ["香水小样收集者🌸", "木质调爱好者", "一天换一支香"],
    "electronics": ["数码控📱 开箱第一手", "打工人的桌面好物", "耳机发烧友"],
    "snacks": ["办公室零食补给站🍪", "减脂期也要好好吃", "吃货本货"],
    "home": ["租房改造中🏠", "收纳强迫症", "香薰蜡烛囤货党"],
    "baby": ["新手妈妈👶 记录带娃好物", "二胎宝妈 只分享真用过的", "奶爸一枚 育儿在学习"],
}
BIO_HONESTY = [
    "自费购买 真实分享✨",
    "只说真话 好的坏的都写",
    "至少用两周才写测评",
    "平价为主 值得才会冲贵的",
    "空瓶了会来更新～",
    "烂脸的也会告诉你😅",
]

# --- Notes ---------------------------------------------------------------------------------------

TITLES = {
    5: [
        "回购第三次了！{product}真的绝绝子😭",
        "挖到宝了💯 {product}闭眼入",
        "{product}｜用了{weeks}周 后悔没早点买✨",
        "谁懂啊！{brand}这个{product}太好用了吧🥹",
        "本命好物｜{product}无限回购❤️",
    ],
    4: [
        "{product}｜用了{weeks}周的真实感受📝",
        "整体不错👍 {product}的小缺点也说说",
        "{brand}{product}｜值得买但别神化",
        "{product}测评来啦～四星推荐🌟",
    ],
    3: [
        "{product}：中规中矩 没有惊喜😐",
        "说点大实话｜{product}",
        "{product}｜有优点也有槽点🤔",
        "冲着口碑买的{product}，一般般吧",
    ],
    2: [
        "有点失望…{product}没有传说中那么好😕",
        "{product}｜不太推荐的理由",
        "{brand}这次让我失望了",
    ],
    1: [
        "踩雷了💔 {product}劝退",
        "避雷！{product}真的不行😤",
        "白花{price}…{product}拔草",
    ],
}

OPENERS = {
    "pos": [
        "姐妹们！这个真的要吹爆🔥",
        "先说结论：好用，会回购。",
        "本来没抱太大期待，结果真香了😂",
        "被安利了好久终于入手～",
    ],
    "mixed": [
        "用了一段时间，来交作业了📝",
        "说说我的真实感受，不吹不黑。",
        "冲着口碑买的，感受有点复杂🤔",
    ],
    "neg": [
        "忍不住来吐槽一下😤",
        "真的很想喜欢它，但是……",
        "给大家避个雷⚠️",
    ],
}

CLOSERS = {
    "pos": ["总之闭眼冲就对了💯", "已经囤了第二件🛒", "适合的姐妹可以试试～", "有问题评论区问我👇"],
    "mixed": ["打折的时候可以考虑。", "不踩雷，但也不会回购。", "看个人需求吧🤷‍♀️"],
    "neg": ["不会回购了👋", "钱包在哭泣💸", "大家理性消费吧🙏"],
}

# Per category and mood: what a reviewer noticed.
SENTENCES = {
    "skincare": {
        "pos": [
            "质地很好推开，吸收快一点都不黏😍",
            "用了{weeks}周，泛红明显少了。",
            "敏感肌用着完全不刺激🌿",
            "第二天起床皮肤软软的，上妆也服帖。",
            "保湿力很在线，换季不起皮了。",
        ],
        "mixed": [
            "保湿可以，但夏天用有点厚重。",
            "味道我不太喜欢，用久了能接受。",
            "效果有，但没有宣传说得那么神。",
        ],
        "neg": ["用了三天下巴开始闭口😭", "搓泥严重，后面上妆全卡粉。", "有酒精味，刺痛感明显。"],
    },
    "makeup": {
        "pos": [
            "颜色超级显白，黄皮友好💄",
            "持妆一整天，吃饭也没怎么掉。",
            "新手也很好上手，手残党放心🙌",
            "试色跟实物几乎一样，不踩雷。",
        ],
        "mixed": ["颜色好看但有点拔干。", "持妆一般，下午要补。", "包装好看，实用性一般。"],
        "neg": ["斑驳得厉害，根本推不开😩", "两小时就氧化暗沉了。", "晕妆成熊猫眼🐼"],
    },
    "haircare": {
        "pos": [
            "洗完头发顺滑到手指能直接穿过😍",
            "毛躁少了很多，拍照终于不炸毛。",
            "味道很好闻，留香一整天🌸",
            "细软塌的头发也不会被压扁。",
        ],
        "mixed": ["顺滑度可以，就是有点油得快。", "香味偏浓，不是人人都喜欢。", "效果要坚持用才看得出来。"],
        "neg": ["洗完头皮很痒，停用了。", "第二天就油塌，不推荐油头。", "发尾还是干得像稻草😢"],
    },
    "fragrance": {
        "pos": [
            "前调清新，后调温柔，路过的人都问我用的什么香✨",
            "留香有六七个小时，性价比很高。",
            "很有高级感的味道，通勤约会都合适。",
        ],
        "mixed": ["前调惊艳，后面有点闷。", "留香短，要补喷。", "味道好闻但撞香率高。"],
        "neg": ["喷完头晕，酒精味太冲🤢", "十分钟就闻不到了。", "和试香纸上完全不是一个味道。"],
    },
    "electronics": {
        "pos": [
            "续航真的顶，出差一周只充了一次电🔋",
            "做工很扎实，拿在手里很有质感。",
            "用起来很顺手，细节处理得很用心👍",
            "连接很稳定，开盖秒连。",
        ],
        "mixed": ["功能够用，但App有点难用。", "音质不错，佩戴久了耳朵疼。", "颜值高，价格也不低。"],
        "neg": ["用了一个月就断连，售后还很慢😤", "发热严重，不敢多用。", "说明书跟实际功能对不上。"],
    },
    "snacks": {
        "pos": [
            "一口下去咔嚓脆，根本停不下来🤤",
            "甜度刚好，不会齁。",
            "当办公室下午茶太合适了☕",
            "配料表很干净，减脂期也敢吃一点。",
        ],
        "mixed": ["味道还行，就是有点咸。", "分量偏少，价格偏贵。", "第一口惊艳，吃多了会腻。"],
        "neg": ["打开就碎成渣了😭", "甜到发苦，真的吃不下。", "有股油哈喇味，可能放久了。"],
    },
    "home": {
        "pos": [
            "放在客厅整个家都香香的🕯️",
            "颜值超高，拍照很出片📸",
            "收纳能力很强，桌面终于清爽了。",
            "质感比价格看起来贵多了。",
        ],
        "mixed": ["好看是好看，就是不太实用。", "味道偏淡，小房间还行。", "尺寸比想象中小一点。"],
        "neg": ["收到就有裂痕，包装太随便了。", "味道很刺鼻，放阳台了。", "用了两周就变形😕"],
    },
    "baby": {
        "pos": [
            "宝宝用了没有红屁屁，太安心了👶",
            "无香精，宝宝皮肤很适应。",
            "单手就能操作，新手爸妈友好🙌",
            "宝宝很喜欢，每天都要玩。",
        ],
        "mixed": ["效果可以，就是价格有点高。", "清洗起来有点麻烦。", "宝宝一开始不太接受。"],
        "neg": ["宝宝用完起了小红疹，赶紧停了😢", "做工粗糙，有毛边。", "漏得一塌糊涂。"],
    },
}

PROS_CONS_LABELS = ("✅优点：", "❌缺点：")
PROS = ["质地舒服", "性价比高", "颜值在线", "包装方便", "效果明显", "味道好闻", "温和不刺激", "持久"]
CONS = ["价格偏高", "容量小", "包装难用", "味道偏重", "见效慢", "不好买", "有点黏", "容易撞款"]
ONE_LINERS = {
    "pos": ["无限回购！{product}yyds💯", "闭眼入，不踩雷✨", "空瓶了，已回购🛒"],
    "mixed": ["还行吧，打折再买🤔", "中规中矩，没惊喜。", "一般般，不会回购。"],
    "neg": ["拔草！不值{price}👋", "踩雷了，别买😤", "退货了，谁买谁后悔💔"],
}
UPDATES = {
    "pos": ["🔁更新：用完一整瓶了，依然推荐！", "更新：已经回购，{weeks}周后还是很爱❤️"],
    "mixed": ["更新：用久了感觉一般，降到三星吧。", "更新：换季之后效果没那么明显了。"],
    "neg": ["更新：联系了客服，给退款了。", "更新：停用一周后皮肤恢复了。"],
}

# #话题 tags, as typed after a note. Per category, plus price, mood and general ones.
TAGS = {
    "skincare": ["护肤", "护肤分享", "敏感肌", "干皮救星", "油皮护肤", "成分党"],
    "makeup": ["彩妆", "日常妆容", "口红试色", "新手化妆", "黄皮友好"],
    "haircare": ["护发", "头发毛躁", "洗发水推荐", "养发日记"],
    "fragrance": ["香水", "小众香水", "香水分享", "通勤香"],
    "electronics": ["数码好物", "开箱", "数码测评", "桌面好物"],
    "snacks": ["零食", "办公室零食", "解馋小零食", "减脂零食"],
    "home": ["家居好物", "租房改造", "收纳", "香薰蜡烛"],
    "baby": ["母婴好物", "新手妈妈", "宝宝用品", "带娃日常"],
}
GENERIC_TAGS = {
    "cheap": ["平价好物", "学生党"],
    "pricey": ["贵妇", "贵但值得"],
    "pos": ["好物推荐", "回购", "空瓶记"],
    "neg": ["踩雷", "避雷"],
    "any": ["真实测评", "种草"],
}

COMMENTS = [
    "求链接🔗",
    "敏感肌能用吗？",
    "跟{brand}别的款比怎么样？",
    "同款！我也超爱❤️",
    "被你种草了🌱",
    "在哪里买的呀？",
    "谢谢分享，正要入手～",
    "用了多久见效呀？",
    "码住了📌",
    "价格是{price}吗？",
]
AUTHOR_REPLIES = ["谢谢宝～", "看个人肤质哦，可以先买小样试试🙏", "我是旗舰店买的～", "用了两周左右吧", "哈哈同好！"]
BRAND_REPLIES = [
    "感谢您的真实反馈🙏 我们已转给产品团队，方便的话私信我们订单号～",
    "很抱歉没有让您满意，客服会尽快联系您处理。",
]
