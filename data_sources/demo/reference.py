"""Static reference facts the demo generator draws from.

Regions, rough populations, district names, the occupation catalogue (Circular 26/2020), name
parts, the online public services of the VET authority and the national milestones. Plain data,
no logic beyond a few lookups.
"""

from __future__ import annotations

from dataclasses import dataclass

# --- geography ----------------------------------------------------------------------------

# Socio-economic regions of the 63 legacy provinces (GSO).
REGION_NAMES: dict[str, tuple[str, str]] = {
    "NMM": ("Trung du và miền núi phía Bắc", "Northern Midlands and Mountains"),
    "RRD": ("Đồng bằng sông Hồng", "Red River Delta"),
    "NCC": ("Bắc Trung Bộ và Duyên hải miền Trung", "North Central and Central Coast"),
    "CH": ("Tây Nguyên", "Central Highlands"),
    "SE": ("Đông Nam Bộ", "South East"),
    "MD": ("Đồng bằng sông Cửu Long", "Mekong River Delta"),
}

_REGION_MEMBERS = {
    "NMM": "02 04 06 08 10 11 12 14 15 17 19 20 24 25",
    "RRD": "01 22 26 27 30 31 33 34 35 36 37",
    "NCC": "38 40 42 44 45 46 48 49 51 52 54 56 58 60",
    "CH": "62 64 66 67 68",
    "SE": "70 72 74 75 77 79",
    "MD": "80 82 83 84 86 87 89 91 92 93 94 95 96",
}
REGION_OF: dict[str, str] = {c: r for r, cs in _REGION_MEMBERS.items() for c in cs.split()}

# Planned share of VET institutions per region (DOMAIN.md gives RRD, NCC and SE; the rest is
# split by population).
REGION_SHARE: dict[str, float] = {"RRD": 0.26, "NCC": 0.26, "SE": 0.17, "NMM": 0.14, "CH": 0.05, "MD": 0.12}

# Population, millions (approximate, 2023).
POPULATION: dict[str, float] = {
    "01": 8.5,
    "02": 0.9,
    "04": 0.54,
    "06": 0.33,
    "08": 0.80,
    "10": 0.77,
    "11": 0.64,
    "12": 0.48,
    "14": 1.29,
    "15": 0.85,
    "17": 0.88,
    "19": 1.34,
    "20": 0.80,
    "22": 1.36,
    "24": 1.92,
    "25": 1.51,
    "26": 1.20,
    "27": 1.50,
    "30": 1.95,
    "31": 2.10,
    "33": 1.29,
    "34": 1.88,
    "35": 0.88,
    "36": 1.88,
    "37": 1.01,
    "38": 3.70,
    "40": 3.40,
    "42": 1.30,
    "44": 0.92,
    "45": 0.65,
    "46": 1.16,
    "48": 1.24,
    "49": 1.52,
    "51": 1.25,
    "52": 1.50,
    "54": 0.88,
    "56": 1.25,
    "58": 0.60,
    "60": 1.25,
    "62": 0.58,
    "64": 1.60,
    "66": 1.90,
    "67": 0.67,
    "68": 1.33,
    "70": 1.03,
    "72": 1.19,
    "74": 2.80,
    "75": 3.30,
    "77": 1.20,
    "79": 9.40,
    "80": 1.70,
    "82": 1.79,
    "83": 1.30,
    "84": 1.02,
    "86": 1.03,
    "87": 1.60,
    "89": 1.90,
    "91": 1.75,
    "92": 1.25,
    "93": 0.73,
    "94": 1.20,
    "95": 0.92,
    "96": 1.20,
}

# Extra weight for the big cities when spreading institutions inside a region.
CITY_BOOST: dict[str, float] = {"01": 1.55, "79": 1.55, "31": 1.2, "48": 1.25, "92": 1.2, "46": 1.1}

# Base digital readiness of a province (before random noise): big cities fast, remote mountain
# provinces slow.
READINESS: dict[str, float] = {
    "01": 1.0,
    "79": 1.0,
    "31": 0.55,
    "48": 0.6,
    "92": 0.4,
    "74": 0.5,
    "75": 0.45,
    "27": 0.5,
    "22": 0.5,
    "26": 0.35,
    "46": 0.35,
    "56": 0.3,
    "77": 0.35,
    "30": 0.2,
    "33": 0.15,
    "19": 0.2,
    "37": 0.15,
    "52": 0.1,
    "02": -0.95,
    "04": -0.85,
    "06": -0.8,
    "11": -0.95,
    "12": -1.0,
    "14": -0.75,
    "10": -0.45,
    "15": -0.55,
    "20": -0.6,
    "08": -0.5,
    "17": -0.4,
    "62": -0.8,
    "64": -0.6,
    "67": -0.7,
    "66": -0.35,
    "68": -0.1,
    "45": -0.3,
    "58": -0.35,
    "54": -0.2,
    "84": -0.3,
    "93": -0.35,
    "94": -0.3,
    "95": -0.25,
    "96": -0.3,
    "83": -0.15,
    "89": -0.1,
    "91": -0.15,
    "87": -0.05,
    "70": -0.2,
    "72": -0.1,
}

# Industrial / urban provinces where private and foreign-invested institutions concentrate.
PRIVATE_PROPENSITY: dict[str, float] = {
    "01": 1.8,
    "79": 2.2,
    "74": 1.8,
    "75": 1.6,
    "48": 1.4,
    "31": 1.3,
    "27": 1.3,
    "92": 1.3,
    "77": 1.2,
    "30": 1.1,
    "26": 1.1,
    "22": 1.1,
    "56": 1.1,
    "80": 1.1,
}
FOREIGN_PROVINCES: tuple[str, ...] = ("01", "79", "74", "75", "27", "31", "48", "92", "22", "56")

# Name of the province as used inside institution names.
PLACE: dict[str, str] = {"79": "Thành phố Hồ Chí Minh"}

# Urban units of the provincial capital (for addresses of schools).
CAPITAL_UNITS: dict[str, tuple[str, ...]] = {
    "01": (
        "quận Ba Đình",
        "quận Hoàn Kiếm",
        "quận Đống Đa",
        "quận Hai Bà Trưng",
        "quận Cầu Giấy",
        "quận Thanh Xuân",
        "quận Hoàng Mai",
        "quận Long Biên",
        "quận Tây Hồ",
        "quận Nam Từ Liêm",
        "quận Bắc Từ Liêm",
        "quận Hà Đông",
    ),
    "79": (
        "quận 1",
        "quận 3",
        "quận 5",
        "quận 10",
        "quận Bình Thạnh",
        "quận Phú Nhuận",
        "quận Tân Bình",
        "quận Gò Vấp",
        "thành phố Thủ Đức",
        "quận 7",
        "quận 12",
    ),
    "31": ("quận Lê Chân", "quận Ngô Quyền", "quận Hồng Bàng", "quận Hải An", "quận Kiến An"),
    "48": ("quận Hải Châu", "quận Thanh Khê", "quận Liên Chiểu", "quận Cẩm Lệ", "quận Sơn Trà"),
    "92": ("quận Ninh Kiều", "quận Bình Thủy", "quận Cái Răng"),
    "46": ("quận Thuận Hóa", "quận Phú Xuân"),
}
CAPITAL_CITY: dict[str, str] = {
    "02": "Hà Giang",
    "04": "Cao Bằng",
    "06": "Bắc Kạn",
    "08": "Tuyên Quang",
    "10": "Lào Cai",
    "11": "Điện Biên Phủ",
    "12": "Lai Châu",
    "14": "Sơn La",
    "15": "Yên Bái",
    "17": "Hòa Bình",
    "19": "Thái Nguyên",
    "20": "Lạng Sơn",
    "22": "Hạ Long",
    "24": "Bắc Giang",
    "25": "Việt Trì",
    "26": "Vĩnh Yên",
    "27": "Bắc Ninh",
    "30": "Hải Dương",
    "33": "Hưng Yên",
    "34": "Thái Bình",
    "35": "Phủ Lý",
    "36": "Nam Định",
    "37": "Ninh Bình",
    "38": "Thanh Hóa",
    "40": "Vinh",
    "42": "Hà Tĩnh",
    "44": "Đồng Hới",
    "45": "Đông Hà",
    "49": "Tam Kỳ",
    "51": "Quảng Ngãi",
    "52": "Quy Nhơn",
    "54": "Tuy Hòa",
    "56": "Nha Trang",
    "58": "Phan Rang - Tháp Chàm",
    "60": "Phan Thiết",
    "62": "Kon Tum",
    "64": "Pleiku",
    "66": "Buôn Ma Thuột",
    "67": "Gia Nghĩa",
    "68": "Đà Lạt",
    "70": "Đồng Xoài",
    "72": "Tây Ninh",
    "74": "Thủ Dầu Một",
    "75": "Biên Hòa",
    "77": "Vũng Tàu",
    "80": "Tân An",
    "82": "Mỹ Tho",
    "83": "Bến Tre",
    "84": "Trà Vinh",
    "86": "Vĩnh Long",
    "87": "Cao Lãnh",
    "89": "Long Xuyên",
    "91": "Rạch Giá",
    "93": "Vị Thanh",
    "94": "Sóc Trăng",
    "95": "Bạc Liêu",
    "96": "Cà Mau",
}

# District-level units (before 1 July 2025) hosting district VET centres.
_DISTRICTS = {
    "01": "huyện Ba Vì|huyện Phúc Thọ|huyện Đan Phượng|huyện Hoài Đức|huyện Quốc Oai|huyện Thạch Thất|"
    "huyện Chương Mỹ|huyện Thanh Oai|huyện Thường Tín|huyện Phú Xuyên|huyện Ứng Hòa|huyện Mỹ Đức|"
    "huyện Sóc Sơn|huyện Đông Anh|huyện Gia Lâm|huyện Mê Linh|huyện Thanh Trì|thị xã Sơn Tây",
    "02": "huyện Đồng Văn|huyện Mèo Vạc|huyện Yên Minh|huyện Quản Bạ|huyện Bắc Mê|huyện Hoàng Su Phì|"
    "huyện Xín Mần|huyện Bắc Quang|huyện Quang Bình|huyện Vị Xuyên",
    "04": "huyện Bảo Lạc|huyện Bảo Lâm|huyện Hà Quảng|huyện Trùng Khánh|huyện Hạ Lang|huyện Quảng Hòa|"
    "huyện Hòa An|huyện Nguyên Bình|huyện Thạch An",
    "06": "huyện Pác Nặm|huyện Ba Bể|huyện Ngân Sơn|huyện Bạch Thông|huyện Chợ Đồn|huyện Chợ Mới|huyện Na Rì",
    "08": "huyện Lâm Bình|huyện Na Hang|huyện Chiêm Hóa|huyện Hàm Yên|huyện Yên Sơn|huyện Sơn Dương",
    "10": "huyện Bát Xát|huyện Mường Khương|huyện Si Ma Cai|huyện Bắc Hà|huyện Bảo Thắng|huyện Bảo Yên|"
    "huyện Văn Bàn|thị xã Sa Pa",
    "11": "huyện Mường Nhé|huyện Mường Chà|huyện Tủa Chùa|huyện Tuần Giáo|huyện Điện Biên|"
    "huyện Điện Biên Đông|huyện Mường Ảng|huyện Nậm Pồ|thị xã Mường Lay",
    "12": "huyện Tam Đường|huyện Mường Tè|huyện Sìn Hồ|huyện Phong Thổ|huyện Than Uyên|huyện Tân Uyên|huyện Nậm Nhùn",
    "14": "huyện Quỳnh Nhai|huyện Thuận Châu|huyện Mường La|huyện Bắc Yên|huyện Phù Yên|huyện Mộc Châu|"
    "huyện Yên Châu|huyện Mai Sơn|huyện Sông Mã|huyện Sốp Cộp|huyện Vân Hồ",
    "15": "thị xã Nghĩa Lộ|huyện Lục Yên|huyện Văn Yên|huyện Mù Cang Chải|huyện Trấn Yên|huyện Trạm Tấu|"
    "huyện Văn Chấn|huyện Yên Bình",
    "17": "huyện Đà Bắc|huyện Lương Sơn|huyện Kim Bôi|huyện Cao Phong|huyện Tân Lạc|huyện Mai Châu|"
    "huyện Lạc Sơn|huyện Yên Thủy|huyện Lạc Thủy",
    "19": "thành phố Sông Công|thành phố Phổ Yên|huyện Định Hóa|huyện Phú Lương|huyện Đồng Hỷ|"
    "huyện Võ Nhai|huyện Đại Từ|huyện Phú Bình",
    "20": "huyện Tràng Định|huyện Bình Gia|huyện Văn Lãng|huyện Cao Lộc|huyện Văn Quan|huyện Bắc Sơn|"
    "huyện Hữu Lũng|huyện Chi Lăng|huyện Lộc Bình|huyện Đình Lập",
    "22": "thành phố Cẩm Phả|thành phố Uông Bí|thành phố Móng Cái|thành phố Đông Triều|thị xã Quảng Yên|"
    "huyện Bình Liêu|huyện Tiên Yên|huyện Đầm Hà|huyện Hải Hà|huyện Ba Chẽ|huyện Vân Đồn",
    "24": "huyện Yên Thế|huyện Tân Yên|huyện Lạng Giang|huyện Lục Nam|huyện Lục Ngạn|huyện Sơn Động|"
    "huyện Yên Dũng|huyện Việt Yên|huyện Hiệp Hòa",
    "25": "thị xã Phú Thọ|huyện Đoan Hùng|huyện Hạ Hòa|huyện Thanh Ba|huyện Phù Ninh|huyện Yên Lập|"
    "huyện Cẩm Khê|huyện Tam Nông|huyện Lâm Thao|huyện Thanh Sơn|huyện Thanh Thủy|huyện Tân Sơn",
    "26": "thành phố Phúc Yên|huyện Lập Thạch|huyện Tam Dương|huyện Tam Đảo|huyện Bình Xuyên|"
    "huyện Yên Lạc|huyện Vĩnh Tường|huyện Sông Lô",
    "27": "huyện Yên Phong|huyện Quế Võ|huyện Tiên Du|thành phố Từ Sơn|huyện Thuận Thành|huyện Gia Bình|"
    "huyện Lương Tài",
    "30": "thành phố Chí Linh|huyện Nam Sách|thị xã Kinh Môn|huyện Kim Thành|huyện Thanh Hà|"
    "huyện Cẩm Giàng|huyện Bình Giang|huyện Gia Lộc|huyện Tứ Kỳ|huyện Ninh Giang|huyện Thanh Miện",
    "31": "huyện Thủy Nguyên|huyện An Dương|huyện An Lão|huyện Kiến Thụy|huyện Tiên Lãng|huyện Vĩnh Bảo|huyện Cát Hải",
    "33": "huyện Văn Lâm|huyện Văn Giang|huyện Yên Mỹ|thị xã Mỹ Hào|huyện Ân Thi|huyện Khoái Châu|"
    "huyện Kim Động|huyện Tiên Lữ|huyện Phù Cừ",
    "34": "huyện Quỳnh Phụ|huyện Hưng Hà|huyện Đông Hưng|huyện Thái Thụy|huyện Tiền Hải|huyện Kiến Xương|huyện Vũ Thư",
    "35": "thị xã Duy Tiên|huyện Kim Bảng|huyện Thanh Liêm|huyện Bình Lục|huyện Lý Nhân",
    "36": "huyện Mỹ Lộc|huyện Vụ Bản|huyện Ý Yên|huyện Nghĩa Hưng|huyện Nam Trực|huyện Trực Ninh|"
    "huyện Xuân Trường|huyện Giao Thủy|huyện Hải Hậu",
    "37": "thành phố Tam Điệp|huyện Nho Quan|huyện Gia Viễn|huyện Hoa Lư|huyện Yên Khánh|huyện Kim Sơn|huyện Yên Mô",
    "38": "thị xã Bỉm Sơn|thành phố Sầm Sơn|thị xã Nghi Sơn|huyện Mường Lát|huyện Quan Hóa|huyện Bá Thước|"
    "huyện Quan Sơn|huyện Lang Chánh|huyện Ngọc Lặc|huyện Cẩm Thủy|huyện Thạch Thành|huyện Hà Trung|"
    "huyện Vĩnh Lộc|huyện Yên Định|huyện Thọ Xuân|huyện Thường Xuân|huyện Triệu Sơn|huyện Thiệu Hóa|"
    "huyện Hoằng Hóa|huyện Hậu Lộc|huyện Nga Sơn|huyện Như Xuân|huyện Như Thanh|huyện Nông Cống|"
    "huyện Quảng Xương",
    "40": "thị xã Cửa Lò|thị xã Thái Hòa|thị xã Hoàng Mai|huyện Quế Phong|huyện Quỳ Châu|huyện Kỳ Sơn|"
    "huyện Tương Dương|huyện Nghĩa Đàn|huyện Quỳ Hợp|huyện Quỳnh Lưu|huyện Con Cuông|huyện Tân Kỳ|"
    "huyện Anh Sơn|huyện Diễn Châu|huyện Yên Thành|huyện Đô Lương|huyện Thanh Chương|huyện Nghi Lộc|"
    "huyện Nam Đàn|huyện Hưng Nguyên",
    "42": "thị xã Hồng Lĩnh|thị xã Kỳ Anh|huyện Hương Sơn|huyện Đức Thọ|huyện Vũ Quang|huyện Nghi Xuân|"
    "huyện Can Lộc|huyện Hương Khê|huyện Thạch Hà|huyện Cẩm Xuyên|huyện Kỳ Anh|huyện Lộc Hà",
    "44": "thị xã Ba Đồn|huyện Minh Hóa|huyện Tuyên Hóa|huyện Quảng Trạch|huyện Bố Trạch|huyện Quảng Ninh|"
    "huyện Lệ Thủy",
    "45": "thị xã Quảng Trị|huyện Vĩnh Linh|huyện Hướng Hóa|huyện Gio Linh|huyện Đakrông|huyện Cam Lộ|"
    "huyện Triệu Phong|huyện Hải Lăng",
    "46": "huyện Phong Điền|huyện Quảng Điền|thị xã Hương Trà|thị xã Hương Thủy|huyện Phú Vang|"
    "huyện Phú Lộc|huyện A Lưới|huyện Nam Đông",
    "48": "huyện Hòa Vang|quận Liên Chiểu|quận Cẩm Lệ|quận Sơn Trà|quận Ngũ Hành Sơn",
    "49": "thị xã Điện Bàn|huyện Đại Lộc|huyện Duy Xuyên|huyện Quế Sơn|huyện Thăng Bình|huyện Núi Thành|"
    "huyện Phú Ninh|huyện Tiên Phước|huyện Hiệp Đức|huyện Nông Sơn|huyện Đông Giang|huyện Tây Giang|"
    "huyện Nam Giang|huyện Phước Sơn|huyện Bắc Trà My|huyện Nam Trà My",
    "51": "thị xã Đức Phổ|huyện Bình Sơn|huyện Sơn Tịnh|huyện Tư Nghĩa|huyện Nghĩa Hành|huyện Mộ Đức|"
    "huyện Ba Tơ|huyện Minh Long|huyện Sơn Hà|huyện Sơn Tây|huyện Trà Bồng|huyện Lý Sơn",
    "52": "thị xã An Nhơn|thị xã Hoài Nhơn|huyện An Lão|huyện Hoài Ân|huyện Phù Mỹ|huyện Vĩnh Thạnh|"
    "huyện Tây Sơn|huyện Phù Cát|huyện Tuy Phước|huyện Vân Canh",
    "54": "thị xã Sông Cầu|thị xã Đông Hòa|huyện Đồng Xuân|huyện Tuy An|huyện Sơn Hòa|huyện Sông Hinh|"
    "huyện Tây Hòa|huyện Phú Hòa",
    "56": "thành phố Cam Ranh|thị xã Ninh Hòa|huyện Vạn Ninh|huyện Khánh Vĩnh|huyện Diên Khánh|"
    "huyện Khánh Sơn|huyện Cam Lâm",
    "58": "huyện Bác Ái|huyện Ninh Sơn|huyện Ninh Hải|huyện Ninh Phước|huyện Thuận Bắc|huyện Thuận Nam",
    "60": "thị xã La Gi|huyện Tuy Phong|huyện Bắc Bình|huyện Hàm Thuận Bắc|huyện Hàm Thuận Nam|"
    "huyện Tánh Linh|huyện Đức Linh|huyện Hàm Tân|huyện Phú Quý",
    "62": "huyện Đắk Glei|huyện Ngọc Hồi|huyện Đắk Tô|huyện Kon Plông|huyện Kon Rẫy|huyện Đắk Hà|"
    "huyện Sa Thầy|huyện Tu Mơ Rông|huyện Ia H' Drai",
    "64": "thị xã An Khê|thị xã Ayun Pa|huyện Kbang|huyện Đăk Đoa|huyện Chư Păh|huyện Ia Grai|"
    "huyện Mang Yang|huyện Kông Chro|huyện Đức Cơ|huyện Chư Prông|huyện Chư Sê|huyện Đăk Pơ|huyện Ia Pa|"
    "huyện Krông Pa|huyện Phú Thiện|huyện Chư Pưh",
    "66": "thị xã Buôn Hồ|huyện Ea H'leo|huyện Ea Súp|huyện Buôn Đôn|huyện Cư M'gar|huyện Krông Búk|"
    "huyện Krông Năng|huyện Ea Kar|huyện M'Đrắk|huyện Krông Bông|huyện Krông Pắc|huyện Krông A Na|"
    "huyện Lắk|huyện Cư Kuin",
    "67": "huyện Cư Jút|huyện Đắk Mil|huyện Krông Nô|huyện Đắk Song|huyện Đắk R'Lấp|huyện Đắk Glong|huyện Tuy Đức",
    "68": "thành phố Bảo Lộc|huyện Đam Rông|huyện Lạc Dương|huyện Lâm Hà|huyện Đơn Dương|huyện Đức Trọng|"
    "huyện Di Linh|huyện Bảo Lâm|huyện Đạ Huoai|huyện Cát Tiên",
    "70": "thị xã Phước Long|thị xã Bình Long|thị xã Chơn Thành|huyện Bù Gia Mập|huyện Lộc Ninh|"
    "huyện Bù Đốp|huyện Hớn Quản|huyện Đồng Phú|huyện Bù Đăng|huyện Phú Riềng",
    "72": "thị xã Trảng Bàng|thị xã Hòa Thành|huyện Tân Biên|huyện Tân Châu|huyện Dương Minh Châu|"
    "huyện Châu Thành|huyện Gò Dầu|huyện Bến Cầu",
    "74": "thành phố Dĩ An|thành phố Thuận An|thành phố Tân Uyên|thành phố Bến Cát|huyện Bàu Bàng|"
    "huyện Dầu Tiếng|huyện Phú Giáo|huyện Bắc Tân Uyên",
    "75": "thành phố Long Khánh|huyện Tân Phú|huyện Vĩnh Cửu|huyện Định Quán|huyện Trảng Bom|"
    "huyện Thống Nhất|huyện Cẩm Mỹ|huyện Long Thành|huyện Xuân Lộc|huyện Nhơn Trạch",
    "77": "thành phố Bà Rịa|thị xã Phú Mỹ|huyện Châu Đức|huyện Xuyên Mộc|huyện Long Điền|huyện Đất Đỏ|huyện Côn Đảo",
    "79": "thành phố Thủ Đức|huyện Củ Chi|huyện Hóc Môn|huyện Bình Chánh|huyện Nhà Bè|huyện Cần Giờ|"
    "quận 8|quận 12|quận Bình Tân|quận Gò Vấp|quận Tân Phú",
    "80": "thị xã Kiến Tường|huyện Tân Hưng|huyện Vĩnh Hưng|huyện Mộc Hóa|huyện Tân Thạnh|huyện Thạnh Hóa|"
    "huyện Đức Huệ|huyện Đức Hòa|huyện Bến Lức|huyện Thủ Thừa|huyện Tân Trụ|huyện Cần Đước|"
    "huyện Cần Giuộc|huyện Châu Thành",
    "82": "thị xã Gò Công|thị xã Cai Lậy|huyện Tân Phước|huyện Cái Bè|huyện Cai Lậy|huyện Châu Thành|"
    "huyện Chợ Gạo|huyện Gò Công Tây|huyện Gò Công Đông|huyện Tân Phú Đông",
    "83": "huyện Châu Thành|huyện Chợ Lách|huyện Mỏ Cày Nam|huyện Giồng Trôm|huyện Bình Đại|huyện Ba Tri|"
    "huyện Thạnh Phú|huyện Mỏ Cày Bắc",
    "84": "thị xã Duyên Hải|huyện Càng Long|huyện Cầu Kè|huyện Tiểu Cần|huyện Châu Thành|huyện Cầu Ngang|"
    "huyện Trà Cú|huyện Duyên Hải",
    "86": "thị xã Bình Minh|huyện Long Hồ|huyện Mang Thít|huyện Vũng Liêm|huyện Tam Bình|huyện Trà Ôn|huyện Bình Tân",
    "87": "thành phố Sa Đéc|thành phố Hồng Ngự|huyện Tân Hồng|huyện Hồng Ngự|huyện Tam Nông|"
    "huyện Tháp Mười|huyện Cao Lãnh|huyện Thanh Bình|huyện Lấp Vò|huyện Lai Vung|huyện Châu Thành",
    "89": "thành phố Châu Đốc|thị xã Tân Châu|thị xã Tịnh Biên|huyện An Phú|huyện Phú Tân|huyện Châu Phú|"
    "huyện Tri Tôn|huyện Châu Thành|huyện Chợ Mới|huyện Thoại Sơn",
    "91": "thành phố Hà Tiên|thành phố Phú Quốc|huyện Kiên Lương|huyện Hòn Đất|huyện Tân Hiệp|"
    "huyện Châu Thành|huyện Giồng Riềng|huyện Gò Quao|huyện An Biên|huyện An Minh|huyện Vĩnh Thuận|"
    "huyện U Minh Thượng|huyện Giang Thành",
    "92": "quận Ô Môn|quận Thốt Nốt|huyện Phong Điền|huyện Cờ Đỏ|huyện Vĩnh Thạnh|huyện Thới Lai",
    "93": "thành phố Ngã Bảy|thị xã Long Mỹ|huyện Châu Thành A|huyện Châu Thành|huyện Phụng Hiệp|"
    "huyện Vị Thủy|huyện Long Mỹ",
    "94": "thị xã Vĩnh Châu|thị xã Ngã Năm|huyện Châu Thành|huyện Kế Sách|huyện Mỹ Tú|huyện Cù Lao Dung|"
    "huyện Long Phú|huyện Mỹ Xuyên|huyện Thạnh Trị|huyện Trần Đề",
    "95": "thị xã Giá Rai|huyện Hồng Dân|huyện Phước Long|huyện Vĩnh Lợi|huyện Đông Hải|huyện Hòa Bình",
    "96": "huyện U Minh|huyện Thới Bình|huyện Trần Văn Thời|huyện Cái Nước|huyện Đầm Dơi|huyện Năm Căn|"
    "huyện Phú Tân|huyện Ngọc Hiển",
}
DISTRICTS: dict[str, tuple[str, ...]] = {c: tuple(v.split("|")) for c, v in _DISTRICTS.items()}

STREETS: tuple[str, ...] = (
    "Lê Lợi",
    "Trần Hưng Đạo",
    "Nguyễn Huệ",
    "Hùng Vương",
    "Lý Thường Kiệt",
    "Nguyễn Trãi",
    "Quang Trung",
    "Hai Bà Trưng",
    "Lê Duẩn",
    "Phan Đình Phùng",
    "Điện Biên Phủ",
    "Nguyễn Văn Cừ",
    "Võ Nguyên Giáp",
    "Trường Chinh",
    "Lê Hồng Phong",
    "Nguyễn Du",
    "Bà Triệu",
    "Trần Phú",
    "Phạm Văn Đồng",
    "Nguyễn Tất Thành",
    "Lý Thái Tổ",
    "Ngô Quyền",
    "Lê Thánh Tông",
    "Tôn Đức Thắng",
    "Nguyễn Thị Minh Khai",
    "Hoàng Văn Thụ",
    "Chu Văn An",
    "Phan Bội Châu",
    "Lạc Long Quân",
    "Nguyễn Văn Linh",
    "Cách Mạng Tháng Tám",
    "30 Tháng 4",
    "Võ Văn Kiệt",
    "Lê Quý Đôn",
)

# --- occupations (Circular 26/2020/TT-BLĐTBXH catalogue) -----------------------------------

# Field groups used to weight which occupations an institution teaches.
GROUPS: tuple[str, ...] = ("eng", "it", "biz", "health", "tour", "agri", "arts", "lang", "social", "drive")


@dataclass(frozen=True)
class Occupation:
    code: str  # 7 digits: level digit + field + occupation
    name: str
    group: str

    @property
    def suffix(self) -> str:
        """Field + occupation: the code without its level digit (what the IT list names)."""
        return self.code[1:]


def _cat(levels_suffix: str) -> tuple[tuple[str, str, str, str], ...]:
    rows = []
    for line in levels_suffix.strip().splitlines():
        suffix, levels, group, name = (x.strip() for x in line.split(";"))
        rows.append((suffix, levels, group, name))
    return tuple(rows)


# suffix (field + occupation, 6 digits); levels C=college (6...), I=intermediate (5...); group;
# name. Field 48 = computing and information technology. Which occupations are IT / digital
# technology for T04 is the IOC's list (data_sources/it_occupations.csv), not decided here.
_CATALOGUE = _cat(
    """
480102;CI;it;Kỹ thuật sửa chữa, lắp ráp máy tính
480104;CI;it;Truyền thông và mạng máy tính
480201;CI;it;Công nghệ thông tin
480202;CI;it;Công nghệ thông tin (ứng dụng phần mềm)
480203;I;it;Tin học văn phòng
480205;CI;it;Tin học ứng dụng
480206;CI;it;Xử lý dữ liệu
480207;CI;it;Lập trình máy tính
480208;CI;it;Quản trị cơ sở dữ liệu
480209;CI;it;Quản trị mạng máy tính
480216;C;it;An ninh mạng
210402;CI;it;Thiết kế đồ họa
340122;CI;biz;Thương mại điện tử
510201;C;eng;Công nghệ kỹ thuật cơ khí
510202;CI;eng;Công nghệ chế tạo máy
510216;CI;eng;Công nghệ ô tô
510303;CI;eng;Công nghệ kỹ thuật điện, điện tử
510305;C;eng;Công nghệ kỹ thuật điều khiển và tự động hóa
510312;CI;eng;Công nghệ kỹ thuật điện tử, truyền thông
510103;CI;eng;Công nghệ kỹ thuật xây dựng
520121;CI;eng;Cắt gọt kim loại
520123;CI;eng;Hàn
520205;CI;eng;Kỹ thuật máy lạnh và điều hòa không khí
520225;CI;eng;Điện tử công nghiệp
520226;I;eng;Điện dân dụng
520227;CI;eng;Điện công nghiệp
520263;CI;eng;Cơ điện tử
520264;C;eng;Tự động hóa công nghiệp
540103;CI;eng;Công nghệ thực phẩm
540204;CI;eng;Công nghệ may
540206;CI;arts;Thiết kế thời trang
340301;C;biz;Kế toán
340302;CI;biz;Kế toán doanh nghiệp
340113;CI;biz;Logistics
340404;CI;biz;Quản trị doanh nghiệp vừa và nhỏ
720101;I;health;Y sỹ đa khoa
720201;CI;health;Dược
720301;CI;health;Điều dưỡng
720303;CI;health;Hộ sinh
720602;C;health;Kỹ thuật xét nghiệm y học
810101;CI;tour;Hướng dẫn du lịch
810103;CI;tour;Quản trị lữ hành
810201;CI;tour;Quản trị khách sạn
810205;CI;tour;Quản trị nhà hàng
810207;CI;tour;Kỹ thuật chế biến món ăn
810404;CI;tour;Chăm sóc sắc đẹp
620116;CI;agri;Trồng trọt
620120;CI;agri;Bảo vệ thực vật
620303;CI;agri;Nuôi trồng thủy sản
640201;CI;agri;Dịch vụ thú y
220206;CI;lang;Tiếng Anh
220209;CI;lang;Tiếng Nhật
220211;CI;lang;Tiếng Hàn Quốc
220212;CI;lang;Tiếng Trung Quốc
210225;CI;arts;Thanh nhạc
760101;CI;social;Công tác xã hội
"""
)

# Elementary (sơ cấp) programmes: institutions set their own codes; these follow the catalogue's
# shape with level digit 4.
_ELEMENTARY = _cat(
    """
520226;E;eng;Điện dân dụng
520227;E;eng;Điện công nghiệp
520123;E;eng;Hàn
520205;E;eng;Kỹ thuật máy lạnh và điều hòa không khí
510216;E;eng;Bảo dưỡng, sửa chữa ô tô
520130;E;eng;Sửa chữa mô tô, xe máy
520122;E;agri;Sửa chữa máy nông nghiệp
480203;E;it;Tin học văn phòng
480102;E;it;Sửa chữa, lắp ráp máy tính
210402;E;it;Thiết kế đồ họa cơ bản
810207;E;tour;Kỹ thuật chế biến món ăn
810404;E;tour;Chăm sóc sắc đẹp
810202;E;tour;Nghiệp vụ lễ tân
810209;E;tour;Pha chế đồ uống
540205;E;eng;May công nghiệp
620110;E;agri;Trồng trọt và bảo vệ thực vật
620121;E;agri;Chăn nuôi gia súc, gia cầm
620303;E;agri;Nuôi trồng thủy sản
580201;E;eng;Kỹ thuật xây dựng
720501;E;health;Chăm sóc người cao tuổi
"""
)

# Short courses (đào tạo thường xuyên, under 3 months): level digit 3.
_SHORT = _cat(
    """
840110;S;drive;Đào tạo lái xe ô tô hạng B2
840111;S;drive;Đào tạo lái xe ô tô hạng C
840120;S;drive;Đào tạo lái xe mô tô hạng A1
480290;S;it;Kỹ năng số cơ bản
480203;S;it;Tin học văn phòng cơ bản
340190;S;it;Bán hàng trực tuyến
340191;S;it;Marketing số
520290;S;eng;Vận hành xe nâng hàng
520291;S;eng;Sửa chữa điện thoại di động
810290;S;tour;Nấu ăn gia đình
810291;S;tour;Làm bánh
540290;S;eng;May dân dụng
620290;S;agri;Trồng nấm
620291;S;agri;Kỹ thuật nuôi ong
220290;S;lang;Tiếng Hàn cho người lao động đi làm việc ở nước ngoài
"""
)


def occupations(level: str) -> tuple[Occupation, ...]:
    """The occupations taught at a training level (college, intermediate, elementary, short_course)."""
    if level in ("college", "intermediate"):
        key, digit = ("C", "6") if level == "college" else ("I", "5")
        return tuple(Occupation(digit + s, name, g) for s, lv, g, name in _CATALOGUE if key in lv)
    if level == "elementary":
        return tuple(Occupation("4" + s, name, g) for s, _, g, name in _ELEMENTARY)
    if level == "short_course":
        return tuple(Occupation("3" + s, name, g) for s, _, g, name in _SHORT)
    raise ValueError(f"unknown training level {level!r}")


# --- institution name parts ---------------------------------------------------------------

# Default weight of each field group in an institution's programmes.
BASE_GROUP_WEIGHTS: dict[str, float] = {
    "eng": 0.36,
    "it": 0.10,
    "biz": 0.12,
    "health": 0.07,
    "tour": 0.10,
    "agri": 0.12,
    "arts": 0.03,
    "lang": 0.06,
    "social": 0.02,
    "drive": 0.02,
}

# (name part, boosted groups). An empty part makes "Trường Cao đẳng <place>".
COLLEGE_PUBLIC_THEMES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Kỹ thuật Công nghệ", ("eng", "it")),
    ("Y tế", ("health",)),
    ("Kinh tế - Kỹ thuật", ("biz", "eng")),
    ("Cộng đồng", ()),
    ("Công nghệ", ("eng", "it")),
    ("Văn hóa Nghệ thuật", ("arts",)),
    ("Du lịch", ("tour",)),
    ("Nông Lâm", ("agri",)),
    ("Công nghiệp", ("eng",)),
    ("Cơ điện", ("eng",)),
    ("Giao thông vận tải", ("eng",)),
    ("Xây dựng", ("eng",)),
    ("Thương mại và Du lịch", ("biz", "tour")),
    ("Kinh tế - Tài chính", ("biz",)),
    ("Kỹ thuật Công nghiệp", ("eng",)),
    ("Nghề", ()),
    ("", ()),
    ("Cơ điện và Nông nghiệp", ("eng", "agri")),
    ("Công thương", ("biz", "eng")),
    ("Văn hóa Nghệ thuật và Du lịch", ("arts", "tour")),
    ("Kinh tế - Công nghệ", ("biz", "it")),
    ("Cơ giới", ("eng",)),
    ("Điện lực", ("eng",)),
    ("Kỹ thuật Công nghệ Cao", ("eng", "it")),
    ("Kinh tế - Kỹ thuật Nông nghiệp", ("agri", "biz")),
    ("Kỹ thuật Y tế", ("health",)),
    ("Cơ khí Nông nghiệp", ("eng", "agri")),
    ("Công nghệ và Thương mại", ("biz", "it")),
)
COLLEGE_PRIVATE_THEMES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Công nghệ", ("eng", "it")),
    ("Kinh tế - Công nghệ", ("biz", "it")),
    ("Y Dược", ("health",)),
    ("Bách khoa", ("eng", "it")),
    ("Du lịch", ("tour",)),
    ("Kỹ thuật", ("eng",)),
    ("Ngoại ngữ - Công nghệ", ("lang", "it")),
    ("Kinh tế - Kỹ thuật", ("biz", "eng")),
    ("Công nghệ và Du lịch", ("it", "tour")),
    ("Quản trị Kinh doanh", ("biz",)),
)
INTERMEDIATE_PUBLIC_THEMES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Kinh tế - Kỹ thuật", ("biz", "eng")),
    ("Nông nghiệp", ("agri",)),
    ("Dân tộc nội trú", ("agri",)),
    ("Kỹ thuật - Công nghệ", ("eng", "it")),
    ("Văn hóa Nghệ thuật", ("arts",)),
    ("Giao thông vận tải", ("eng",)),
    ("Y tế", ("health",)),
    ("Kỹ thuật Nông nghiệp", ("agri",)),
    ("Du lịch", ("tour",)),
    ("Xây dựng", ("eng",)),
    ("Thể dục Thể thao", ("social",)),
    ("Công nghệ Cơ điện", ("eng",)),
    ("Nghề", ()),
)
INTERMEDIATE_PRIVATE_THEMES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Công nghệ", ("eng", "it")),
    ("Kinh tế - Kỹ thuật", ("biz", "eng")),
    ("Y Dược", ("health",)),
    ("Bách khoa", ("eng", "it")),
    ("Du lịch và Khách sạn", ("tour",)),
    ("Kỹ thuật - Nghiệp vụ", ("eng",)),
    ("Công nghệ và Quản trị", ("it", "biz")),
    ("Ngoại ngữ - Tin học", ("lang", "it")),
    ("Kỹ thuật Nghiệp vụ Giao thông", ("eng", "drive")),
)
CENTRE_PUBLIC_FORMS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Trung tâm Giáo dục nghề nghiệp Hội Liên hiệp Phụ nữ {p}", ("tour", "eng")),
    ("Trung tâm Giáo dục nghề nghiệp và Hỗ trợ nông dân {p}", ("agri",)),
    ("Trung tâm Giáo dục nghề nghiệp Thanh niên {p}", ("eng", "it")),
    ("Trung tâm Giáo dục nghề nghiệp người khuyết tật {p}", ("eng", "it")),
    ("Trung tâm Đào tạo, sát hạch lái xe {p}", ("drive",)),
    ("Trung tâm Giáo dục nghề nghiệp Liên đoàn Lao động {p}", ("eng",)),
)
CENTRE_PRIVATE_FORMS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Trung tâm Đào tạo lái xe {b}", ("drive",)),
    ("Trung tâm Giáo dục nghề nghiệp {b}", ()),
    ("Trung tâm Đào tạo nghề {b}", ("eng", "tour")),
    ("Trung tâm Giáo dục nghề nghiệp và Dịch vụ việc làm {b}", ("eng", "lang")),
    ("Trung tâm Đào tạo Tin học - Ngoại ngữ {b}", ("it", "lang")),
    ("Trung tâm Đào tạo Làm đẹp {b}", ("tour",)),
)
BRANDS: tuple[str, ...] = (
    "Đông Á",
    "Phương Nam",
    "Phương Đông",
    "Việt Mỹ",
    "Bách Việt",
    "Sài Gòn",
    "Thăng Long",
    "Hồng Lạc",
    "Đại Việt",
    "Âu Lạc",
    "Văn Lang",
    "Hùng Vương",
    "Nam Việt",
    "Bắc Hà",
    "Trường Sơn",
    "Hòa Bình",
    "Hà Thành",
    "Kinh Bắc",
    "Tây Đô",
    "Miền Đông",
    "Miền Tây",
    "Cửu Long",
    "Lạc Hồng",
    "Đại Nam",
    "Trí Việt",
    "Hưng Thịnh",
    "An Phát",
    "Tân Tiến",
    "Sao Việt",
    "Hoàng Gia",
    "Thái Bình Dương",
    "Đông Dương",
    "Nam Bộ",
    "Bắc Bộ",
    "Duyên Hải",
    "Tây Nguyên",
    "Đông Đô",
    "Phú Xuân",
    "Thành Đô",
    "Hồng Hà",
    "Sông Hàn",
    "Gia Định",
    "Phú Mỹ",
    "Kim Long",
    "Tràng An",
    "Hoa Sen",
    "Tân Việt",
    "Việt Tiến",
    "Thành Công",
    "Phúc An",
    "Minh Đức",
    "Nhân Đức",
    "Bình Minh",
    "Hải Âu",
    "Tiến Phát",
    "Quang Minh",
    "Việt Phát",
    "Đức Tín",
    "Thiên Phúc",
    "Nam Á",
    "Á Châu",
    "Trí Đức",
    "Hưng Long",
    "Phú Thịnh",
    "An Khang",
    "Vạn Xuân",
    "Đông Phương",
    "Bạch Đằng",
    "Việt Tín",
    "Tân Phú",
)
FOREIGN_BRANDS: tuple[str, ...] = (
    "Việt - Úc",
    "Việt - Singapore",
    "Anh - Việt",
    "Canada - Việt Nam",
    "Việt - Nhật",
    "Việt - Hàn",
    "Việt - Đức",
    "Pháp - Việt",
    "Mỹ - Việt",
    "Việt - Thái",
    "New Zealand - Việt Nam",
    "Việt - Hoa",
)

# --- people ------------------------------------------------------------------------------

FAMILY_NAMES: tuple[tuple[str, float], ...] = (
    ("Nguyễn", 38.0),
    ("Trần", 11.0),
    ("Lê", 9.5),
    ("Phạm", 7.1),
    ("Hoàng", 3.0),
    ("Huỳnh", 2.1),
    ("Phan", 4.5),
    ("Vũ", 2.2),
    ("Võ", 1.7),
    ("Đặng", 2.1),
    ("Bùi", 2.0),
    ("Đỗ", 1.4),
    ("Hồ", 1.3),
    ("Ngô", 1.3),
    ("Dương", 1.0),
    ("Lý", 0.5),
    ("Đinh", 1.0),
    ("Đào", 0.8),
    ("Mai", 0.6),
    ("Trương", 0.8),
    ("Lương", 0.5),
    ("Tạ", 0.3),
    ("Cao", 0.4),
    ("Lâm", 0.3),
    ("Hà", 0.5),
    ("Tô", 0.2),
    ("Chu", 0.2),
    ("Lưu", 0.3),
    ("Thái", 0.2),
    ("Vương", 0.2),
    ("Triệu", 0.2),
    ("Kiều", 0.1),
    ("Quách", 0.1),
    ("Mạc", 0.1),
)
MIDDLE_MALE: tuple[str, ...] = (
    "Văn",
    "Văn",
    "Văn",
    "Hữu",
    "Đức",
    "Minh",
    "Quang",
    "Thanh",
    "Công",
    "Xuân",
    "Ngọc",
    "Quốc",
    "Tuấn",
    "Hoàng",
    "Mạnh",
    "Đình",
    "Trọng",
    "Bá",
    "Anh",
    "Thế",
    "Duy",
)
MIDDLE_FEMALE: tuple[str, ...] = (
    "Thị",
    "Thị",
    "Thị",
    "Thu",
    "Thanh",
    "Ngọc",
    "Minh",
    "Thùy",
    "Phương",
    "Hồng",
    "Kim",
    "Mỹ",
    "Bích",
    "Diệu",
    "Hải",
    "Khánh",
    "Thúy",
    "Quỳnh",
)
GIVEN_MALE: tuple[str, ...] = (
    "Anh",
    "Bình",
    "Cường",
    "Dũng",
    "Dương",
    "Đạt",
    "Đức",
    "Giang",
    "Hải",
    "Hiếu",
    "Hòa",
    "Hoàng",
    "Hùng",
    "Huy",
    "Khánh",
    "Khoa",
    "Kiên",
    "Long",
    "Lâm",
    "Minh",
    "Nam",
    "Nghĩa",
    "Phong",
    "Phúc",
    "Quân",
    "Quang",
    "Sơn",
    "Tài",
    "Thắng",
    "Thành",
    "Thiện",
    "Trung",
    "Tú",
    "Tuấn",
    "Tùng",
    "Việt",
    "Vinh",
    "Vũ",
    "Hưng",
    "Toàn",
    "Chiến",
    "Hậu",
    "Lợi",
    "Tâm",
)
GIVEN_FEMALE: tuple[str, ...] = (
    "Anh",
    "Châu",
    "Chi",
    "Dung",
    "Giang",
    "Hà",
    "Hạnh",
    "Hằng",
    "Hiền",
    "Hoa",
    "Hồng",
    "Hương",
    "Huyền",
    "Lan",
    "Linh",
    "Loan",
    "Mai",
    "Ngọc",
    "Nhung",
    "Oanh",
    "Phương",
    "Quỳnh",
    "Thảo",
    "Thu",
    "Thủy",
    "Trang",
    "Tuyết",
    "Uyên",
    "Vân",
    "Yến",
    "Nga",
    "Liên",
    "Lý",
    "Hiền",
)

# --- national tables ----------------------------------------------------------------------

# Online public services (thủ tục hành chính) of the VET authority.
PUBLIC_SERVICES: tuple[str, ...] = (
    "Cấp giấy chứng nhận đăng ký hoạt động giáo dục nghề nghiệp đối với trường cao đẳng",
    "Cấp giấy chứng nhận đăng ký bổ sung hoạt động giáo dục nghề nghiệp đối với trường cao đẳng",
    "Cấp giấy chứng nhận đăng ký hoạt động giáo dục nghề nghiệp đối với trường trung cấp, "
    "trung tâm giáo dục nghề nghiệp",
    "Cấp giấy chứng nhận đăng ký hoạt động giáo dục nghề nghiệp đối với doanh nghiệp",
    "Thành lập trường cao đẳng công lập",
    "Cho phép thành lập trường cao đẳng tư thục",
    "Cho phép thành lập trường cao đẳng có vốn đầu tư nước ngoài",
    "Sáp nhập, chia, tách trường cao đẳng",
    "Giải thể trường cao đẳng",
    "Đổi tên trường cao đẳng",
    "Cho phép thành lập phân hiệu của trường cao đẳng",
    "Công nhận hiệu trưởng trường cao đẳng tư thục",
    "Công nhận hội đồng quản trị trường cao đẳng tư thục",
    "Cấp giấy chứng nhận kiểm định viên chất lượng giáo dục nghề nghiệp",
    "Cấp giấy chứng nhận đăng ký hoạt động kiểm định chất lượng giáo dục nghề nghiệp",
    "Công nhận trường cao đẳng đạt tiêu chuẩn chất lượng cao",
    "Đăng ký hoạt động liên kết đào tạo với nước ngoài trình độ cao đẳng",
    "Cho phép thành lập văn phòng đại diện của cơ sở giáo dục nghề nghiệp nước ngoài tại Việt Nam",
    "Cấp giấy chứng nhận đăng ký hoạt động đánh giá, cấp chứng chỉ kỹ năng nghề quốc gia",
    "Cấp thẻ đánh giá viên kỹ năng nghề quốc gia",
    "Cấp lại thẻ đánh giá viên kỹ năng nghề quốc gia",
    "Cấp chứng chỉ kỹ năng nghề quốc gia",
    "Cấp lại chứng chỉ kỹ năng nghề quốc gia",
    "Công nhận văn bằng, chứng chỉ giáo dục nghề nghiệp do cơ sở nước ngoài cấp",
    "Cấp bản sao văn bằng, chứng chỉ giáo dục nghề nghiệp từ sổ gốc",
    "Chỉnh sửa nội dung văn bằng, chứng chỉ giáo dục nghề nghiệp",
    "Cho phép hoạt động giáo dục nghề nghiệp trở lại",
    "Đình chỉ hoạt động giáo dục nghề nghiệp",
    "Thu hồi giấy chứng nhận đăng ký hoạt động giáo dục nghề nghiệp",
    "Xét tặng danh hiệu Nhà giáo nhân dân, Nhà giáo ưu tú trong giáo dục nghề nghiệp",
    "Phê duyệt đề án thí điểm tự chủ của trường cao đẳng công lập",
    "Đăng ký tham dự Hội giảng nhà giáo giáo dục nghề nghiệp toàn quốc",
)

# code, name_vi, name_en, achieved (ISO date, or None = not yet).
MILESTONES: tuple[tuple[str, str, str, str | None], ...] = (
    (
        "national_vet_platform",
        "Nền tảng số giáo dục nghề nghiệp quốc gia được hình thành",
        "National digital VET platform established",
        "2024-06-28",
    ),
    (
        "shared_learning_repository",
        "Kho học liệu, tài nguyên số dùng chung của giáo dục nghề nghiệp được hình thành",
        "Shared repository of digital learning materials and resources established",
        "2025-09-26",
    ),
    (
        "vet_network_digital_map",
        "Bản đồ số mạng lưới cơ sở giáo dục nghề nghiệp được hình thành",
        "Digital map of the VET institution network formed",
        "2025-06-30",
    ),
    (
        "map_linked_certification_lookup",
        "Bản đồ số mạng lưới cơ sở giáo dục nghề nghiệp liên kết với hệ thống chứng thực "
        "và tra cứu thông tin giáo dục nghề nghiệp",
        "Digital VET map linked with the certification and information lookup systems",
        None,
    ),
)
