"""Administrative names used to recognise addresses outside the gazetteer's area.

Data only (read by :mod:`origin_map.geocode.normalise`). The gazetteer covers one district of
one city (北京市海淀区 by default); an address that names another province, city or district is
never placed by it. Names are given without their suffix (省, 市, 区, 县); the parser also
recognises any ``X省`` / ``X市`` / ``X区`` / ``X县`` at the start of an address.
"""

from __future__ import annotations

PROVINCES = frozenset(
    "河北 山西 辽宁 吉林 黑龙江 江苏 浙江 安徽 福建 江西 山东 河南 湖北 湖南 广东 海南 四川 贵州 "
    "云南 陕西 甘肃 青海 台湾 内蒙古 广西 西藏 宁夏 新疆 香港 澳门 天津 上海 重庆".split()
)
"""Provinces, autonomous regions, SARs and the municipalities other than Beijing."""

CITIES = frozenset(
    "上海 天津 重庆 深圳 广州 杭州 南京 苏州 成都 武汉 西安 长沙 郑州 济南 青岛 大连 沈阳 长春 "
    "哈尔滨 石家庄 太原 呼和浩特 合肥 福州 厦门 南昌 南宁 海口 三亚 贵阳 昆明 拉萨 兰州 西宁 银川 "
    "乌鲁木齐 宁波 温州 绍兴 嘉兴 湖州 金华 台州 无锡 常州 南通 扬州 徐州 镇江 泰州 盐城 淮安 "
    "连云港 宿迁 东莞 佛山 珠海 中山 惠州 江门 汕头 湛江 肇庆 清远 韶关 烟台 潍坊 临沂 淄博 "
    "济宁 泰安 威海 日照 德州 聊城 保定 唐山 廊坊 秦皇岛 邯郸 邢台 沧州 张家口 承德 衡水 "
    "洛阳 开封 新乡 南阳 许昌 安阳 宜昌 襄阳 荆州 株洲 湘潭 衡阳 岳阳 常德 芜湖 蚌埠 "
    "绵阳 德阳 宜宾 南充 乐山 泸州 遵义 柳州 桂林 北海 赣州 九江 泉州 漳州 莆田 "
    "包头 鄂尔多斯 鞍山 抚顺 锦州 吉林 大庆 齐齐哈尔 宝鸡 咸阳 延安 天水 酒泉 "
    "香港 澳门 台北 高雄 新竹".split()
)
"""Cities outside Beijing (prefecture level and above), written without 市."""

BEIJING_DISTRICTS = frozenset(
    "东城 西城 朝阳 丰台 石景山 海淀 门头沟 房山 通州 顺义 昌平 大兴 怀柔 平谷 密云 延庆 崇文 宣武 "
    "亦庄 北京经济技术开发".split()
)
"""Districts of Beijing (and two former ones, and the Yizhuang development area)."""

LOCAL_CITY = "北京"
LOCAL_DISTRICT = "海淀"

LOCAL_AREAS = frozenset(
    "五道口 中关村 清华园 海淀 北京 学院路 清华大学东门 东升 双清路口 成府".split()
)
"""Neighbourhood words that may precede a building name in an address of the area."""

AREA_SUFFIXES = ("园区", "校区", "小区", "社区", "厂区", "城区", "街区", "片区", "景区", "功能区",
                 "核心区", "商区", "示范区", "试验区")
"""Words ending in 区 that are not districts."""

ENGLISH_ELSEWHERE = frozenset(
    "shanghai shenzhen guangzhou hangzhou nanjing suzhou chengdu wuhan xian tianjin chongqing "
    "changsha zhengzhou jinan qingdao dalian shenyang changchun harbin shijiazhuang taiyuan "
    "hefei fuzhou xiamen nanchang nanning haikou guiyang kunming lanzhou xining yinchuan "
    "urumqi ningbo wenzhou wuxi changzhou dongguan foshan zhuhai zhongshan huizhou hong kong "
    "hongkong macau macao taipei hsinchu chaoyang dongcheng xicheng fengtai shijingshan "
    "mentougou fangshan tongzhou shunyi changping daxing huairou pinggu miyun yanqing yizhuang "
    "pudong xuhui huangpu jingan minhang nanshan futian luohu baoan longgang tianhe "
    "langfang baoding tangshan "
    "hebei shanxi liaoning jilin heilongjiang jiangsu zhejiang anhui fujian jiangxi shandong "
    "henan hubei hunan guangdong hainan sichuan guizhou yunnan shaanxi gansu qinghai taiwan "
    "guangxi tibet xizang ningxia xinjiang mongolia kunshan changshu taicang zhangjiagang "
    "jiangyin yixing yiwu cixi yuyao shunde nansha songjiang jiading minhang qingpu fengxian "
    "chongming binhai".split()
)
"""Lower-case English names of other provinces, cities and districts (including Beijing's other
districts): an English address naming one is not placed."""
