"""繁體 -> 简体, one character for one, for matching only.

Ingest converts 繁體 reports to simplified text already; this map keeps the claims
stage itself right when it is handed 繁體 text directly (``nianbao claims``, labels,
a paragraph from another tool).  Every replacement is one character for one, so the
offsets found on the converted text hold in the original, and claim texts are
taken from the original.  The map covers the characters of the report vocabulary
(cue phrases, units, numerals, the linking rules' words); a character it does not
know is left as it is.
"""

from __future__ import annotations

_PAIRS = (
    "萬万億亿兩两個个條条項项場场則则隻只餘余約约將将過过資资訊讯開开請请處处辦办結结復复複复覆复"
    "議议訟讼費费規规範范與与無无沒没發发佈布網网類类專专題题體体務务門门戶户錄录諮咨詢询熱热線线綫线"
    "來来電电訴诉許许罰罚強强製制廢废現现準准並并從从暫暂獲获敗败銷销認认違违審审駁驳維维糾纠錯错轉转"
    "總总計计數数據据統统絕绝訪访舉举報报國国權权過过內内經经後后動动讀读圖图聞闻會会單单訂订協协員员"
    "稅税納纳較较長长減减點点漲涨環环達达為为於于對对關关應应當当屬属機机構构職职責责實实際际況况誤误"
    "區区縣县鄉乡鎮镇級级衛卫稱称號号進进連连運运選选還还這这節节證证評评說说讓让調调談谈設设護护貨货"
    "質质購购問问閱阅陳陈隊队險险難难頁页須须預预領领額额顯显館馆驗验學学寫写導导層层廣广庫库廳厅張张"
    "彙汇徵征態态應应擔担擬拟擴扩斷断時时書书樣样標标權权歷历歸归氣气滿满濟济營营爭争狀状產产畫画盡尽"
    "監监確确種种積积穩稳範范紀纪組组細细終终綜综編编續续聯联聲声聽听藝艺補补裝装見见視视觀观記记試试"
    "話话該该語语識识變变負负財财貧贫賠赔農农醫医釋释錢钱間间離离類类願愿顧顾養养黨党檔档屆届劃划創创"
    "勞劳勢势區区參参啟启嚴严團团圍围園园執执堅坚塊块優优價价傳传僅仅儀仪兒儿冊册剛刚勝胜匯汇噸吨實实"
    "廠厂憲宪換换損损據据條条極极滅灭災灾現现異异療疗發发眾众礎础簽签紅红純纯統统給给練练緒绪總总績绩"
    "纖纤聖圣肅肃臨临艱艰華华葉叶蓋盖術术衝冲親亲觸触託托誌志譯译貴贵賀贺賓宾賴赖贊赞軟软輪轮辭辞遞递"
    "遠远適适遲迟遷迁鄰邻鑑鉴鑒鉴閣阁闡阐陣阵雖虽頓顿駐驻騰腾麗丽紙纸筆笔築筑糧粮緊紧織织繫系係系義义"
    "習习腦脑舊旧藥药討讨診诊誠诚課课請请諸诸講讲謀谋護护趕赶趨趋跡迹踐践車车軌轨軍军載载輔辅輕轻輸输"
    "轄辖邁迈針针鐵铁閉闭閒闲隨随隱隐雜杂雲云靜静響响頂顶順顺頻频風风飛飞馬马鬥斗黃黄齊齐龍龙壓压夠够"
    "奪夺奮奋婦妇寧宁尋寻島岛崗岗幫帮彈弹徑径懷怀戰战擇择攝摄晉晋東东樓楼樹树橋桥歡欢殘残決决溝沟漢汉"
    "潔洁燈灯獨独獻献盤盘碼码禮礼競竞縮缩罷罢貼贴贈赠買买賣卖貿贸謝谢諾诺詳详簡简籌筹週周歲岁齡龄業业"
    "鏈链彌弥劑剂勵励勸劝卻却壞坏壯壮壽寿夢梦倫伦偉伟備备債债傷伤傾倾凍冻劍剑勁劲壇坛墾垦戲戏揚扬搶抢"
    "擁拥擊击攤摊敵敌斂敛構构槍枪歐欧毀毁潛潜濫滥爐炉犧牺猶犹獄狱畝亩盜盗矯矫禍祸禦御窮穷籃篮紋纹紛纷"
    "絡络締缔脅胁膽胆莊庄蘇苏蟲虫襲袭誕诞誘诱誼谊謂谓貞贞賦赋趙赵遙遥醜丑釐厘顆颗飾饰鬆松齒齿裡里裏里"
    "麼么門门閘闸題题覽览範范陸陆陽阳階阶鄭郑頒颁頭头飯饭驅驱雙双雞鸡靈灵廠厂屬属廣广納纳贏赢繼继檢检紹绍"
)
_MAP = {ord(_PAIRS[i]): _PAIRS[i + 1] for i in range(0, len(_PAIRS) - 1, 2)}


def to_simplified(text: str) -> str:
    """``text`` with the 繁體 characters of the map replaced; same length, same offsets."""
    return text.translate(_MAP)
