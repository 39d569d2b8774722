// 日付の文字（純粋な関数。tests/js/dates.test.mjs）：西暦（和暦）の表示と、入力の和暦の読み取り。
// 表示は teichaku.rules.dates.date_text と同じ書き方（元年）。
//
// 元号の表 eras は呼ぶ側が渡す：ページでは、ビルドが Python の teichaku.rules.dates.ERAS から作る assets/calc/eras.js
// （calculator/teichaku_site/eras.py。export const ERAS = [{ name, start: "YYYY-MM-DD" }, …]、新しい元号から）。
// ここに表を書き写さない（単体テストは同じ生成の写しと、小さな表の両方で試す）。

// 元号のローマ字の頭文字（R6.4.1、H30.10.1 のような入力）
const INITIALS = { R: "令和", H: "平成", S: "昭和" };

function startOf(era) {
  const [year, month, day] = era.start.split("-").map(Number);
  return { year, month, day };
}

// 西暦の年月日 → 「2019年10月1日（令和元年10月1日）」。表にない古い日付は西暦だけ。
export function japaneseDate(year, month, day, eras) {
  const western = `${year}年${month}月${day}日`;
  const era = eras.find(e => {
    const s = startOf(e);
    return year * 10000 + month * 100 + day >= s.year * 10000 + s.month * 100 + s.day;
  });
  if (!era)
    return western;
  const number = year - startOf(era).year + 1;
  return `${western}（${era.name}${number === 1 ? "元" : number}年${month}月${day}日）`;
}

// ISO の日付（YYYY-MM-DD）→ 西暦（和暦）。それ以外の文字はそのまま。
export function isoDateText(iso, eras) {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso || "");
  return match ? japaneseDate(Number(match[1]), Number(match[2]), Number(match[3]), eras) : iso;
}

// 計算日時：「2026年12月4日（令和8年12月4日） 9時05分（UTC+9）」（端末の時刻帯）
export function dateTimeText(date, eras) {
  const offset = -date.getTimezoneOffset();
  const minutes = Math.abs(offset) % 60;
  const zone = `UTC${offset >= 0 ? "+" : "−"}${Math.floor(Math.abs(offset) / 60)}${minutes ? `:${String(minutes).padStart(2, "0")}` : ""}`;
  return `${japaneseDate(date.getFullYear(), date.getMonth() + 1, date.getDate(), eras)} ` +
         `${date.getHours()}時${String(date.getMinutes()).padStart(2, "0")}分（${zone}）`;
}

// 和暦の年 → 西暦の年（元年は 1）。知らない元号は null。
export function westernYear(eraName, number, eras) {
  const name = INITIALS[eraName.toUpperCase()] || eraName;
  const era = eras.find(e => e.name === name);
  if (!era)
    return null;
  return startOf(era).year - 1 + (number === "元" ? 1 : Number(number));
}

// 入力の月（「2019-10」「令和元年10月」「R1.10」、全角も）→ その月の1日（ISO）。読めなければ null。
// 月の請求で、その月にある加算・減算の項目だけを示すのに使う（読み取りの正しさの判定は Python の規則がする）。
export function monthStart(text, eras) {
  const t = (text || "").normalize("NFKC").trim();
  let m = t.match(/^(\d{4})\D+(\d{1,2})/);
  if (m)
    return `${m[1]}-${m[2].padStart(2, "0")}-01`;
  const names = [...eras.map(e => e.name), ...Object.keys(INITIALS)].join("|");
  m = t.match(new RegExp(`^(${names})\\s*(元|\\d+)\\D+(\\d{1,2})`, "i"));
  if (m) {
    const year = westernYear(m[1], m[2], eras);
    return year === null ? null : `${year}-${m[3].padStart(2, "0")}-01`;
  }
  return null;
}

// このページを開いた月（YYYY-MM）
export function currentMonth(now = new Date()) {
  return `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, "0")}`;
}
