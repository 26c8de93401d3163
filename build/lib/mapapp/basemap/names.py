"""English names for the MLIT areas the seed pack labels (MLIT's names are Japanese only).

Keyed by the national local-government code (MLIT N03_007), in the Hepburn
romanisation the municipalities use themselves, long vowels unmarked (Ota,
Chuo). A code missing here is labelled in Japanese only.
"""

from __future__ import annotations

MUNICIPALITIES_EN: dict[str, str] = {
    # Tokyo's 23 special wards
    "13101": "Chiyoda", "13102": "Chuo", "13103": "Minato", "13104": "Shinjuku",
    "13105": "Bunkyo", "13106": "Taito", "13107": "Sumida", "13108": "Koto",
    "13109": "Shinagawa", "13110": "Meguro", "13111": "Ota", "13112": "Setagaya",
    "13113": "Shibuya", "13114": "Nakano", "13115": "Suginami", "13116": "Toshima",
    "13117": "Kita", "13118": "Arakawa", "13119": "Itabashi", "13120": "Nerima",
    "13121": "Adachi", "13122": "Katsushika", "13123": "Edogawa",
    # Tokyo: Tama cities and towns
    "13201": "Hachioji", "13202": "Tachikawa", "13203": "Musashino", "13204": "Mitaka",
    "13205": "Ome", "13206": "Fuchu", "13207": "Akishima", "13208": "Chofu",
    "13209": "Machida", "13210": "Koganei", "13211": "Kodaira", "13212": "Hino",
    "13213": "Higashimurayama", "13214": "Kokubunji", "13215": "Kunitachi", "13218": "Fussa",
    "13219": "Komae", "13220": "Higashiyamato", "13221": "Kiyose", "13222": "Higashikurume",
    "13223": "Musashimurayama", "13224": "Tama", "13225": "Inagi", "13227": "Hamura",
    "13228": "Akiruno", "13229": "Nishitokyo", "13303": "Mizuho", "13305": "Hinode",
    "13307": "Hinohara", "13308": "Okutama",
    # Yokohama's wards
    "14101": "Tsurumi", "14102": "Kanagawa", "14103": "Nishi", "14104": "Naka",
    "14105": "Minami", "14106": "Hodogaya", "14107": "Isogo", "14108": "Kanazawa",
    "14109": "Kohoku", "14110": "Totsuka", "14111": "Konan", "14112": "Asahi",
    "14113": "Midori", "14114": "Seya", "14115": "Sakae", "14116": "Izumi",
    "14117": "Aoba", "14118": "Tsuzuki",
    # Kawasaki's and Sagamihara's wards
    "14131": "Kawasaki", "14132": "Saiwai", "14133": "Nakahara", "14134": "Takatsu",
    "14135": "Tama", "14136": "Miyamae", "14137": "Asao",
    "14151": "Midori", "14152": "Chuo", "14153": "Minami",
    # Kanagawa: cities and towns
    "14201": "Yokosuka", "14203": "Hiratsuka", "14204": "Kamakura", "14205": "Fujisawa",
    "14206": "Odawara", "14207": "Chigasaki", "14208": "Zushi", "14210": "Miura",
    "14211": "Hadano", "14212": "Atsugi", "14213": "Yamato", "14214": "Isehara",
    "14215": "Ebina", "14216": "Zama", "14217": "Minamiashigara", "14218": "Ayase",
    "14301": "Hayama", "14321": "Samukawa", "14341": "Oiso", "14342": "Ninomiya",
    "14361": "Nakai", "14362": "Oi", "14363": "Matsuda", "14364": "Yamakita",
    "14366": "Kaisei", "14382": "Hakone", "14383": "Manazuru", "14384": "Yugawara",
    "14401": "Aikawa", "14402": "Kiyokawa",
}  # fmt: skip

#: Cities made of wards, and Tokyo's ward area: labelled as one before their wards fit.
CITIES_EN: dict[str, str] = {
    "横浜市": "Yokohama",
    "川崎市": "Kawasaki",
    "相模原市": "Sagamihara",
    "東京都区部": "Tokyo",
}

PREFECTURES_EN: dict[str, str] = {
    "東京都": "Tokyo Metropolis",
    "神奈川県": "Kanagawa",
    "千葉県": "Chiba",
    "茨城県": "Ibaraki",
    "埼玉県": "Saitama",
    "山梨県": "Yamanashi",
    "静岡県": "Shizuoka",
}

#: Tokyo's special wards have no city (N03_003); they are grouped under this name.
TOKYO_WARDS = "東京都区部"
