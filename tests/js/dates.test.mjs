// 日付の文字（docs/assets/calc/dates.js）：teichaku.rules.dates.date_text と同じ書き方、元号の境目の両側、和暦の入力。
import { test } from "node:test";
import assert from "node:assert/strict";
import { ERAS, currentMonth, dateTimeText, isoDateText, japaneseDate, monthStart, westernYear } from "../../docs/assets/calc/dates.js";

test("元号の境目の両側：平成31年4月30日と令和元年5月1日", () => {
  assert.equal(japaneseDate(2019, 4, 30), "2019年4月30日（平成31年4月30日）");
  assert.equal(japaneseDate(2019, 5, 1), "2019年5月1日（令和元年5月1日）");
  assert.equal(japaneseDate(1989, 1, 7), "1989年1月7日（昭和64年1月7日）");
  assert.equal(japaneseDate(1989, 1, 8), "1989年1月8日（平成元年1月8日）");
});

test("表より前の日付は西暦だけ", () => {
  assert.equal(japaneseDate(1926, 12, 24), "1926年12月24日");
});

test("ISO の日付は西暦（和暦）に、それ以外の文字はそのまま", () => {
  assert.equal(isoDateText("2024-04-01"), "2024年4月1日（令和6年4月1日）");
  assert.equal(isoDateText("2024-04"), "2024-04");
  assert.equal(isoDateText(""), "");
  assert.equal(isoDateText(undefined), undefined);
});

test("元号の表を渡せる（ビルドが作る表に差し替えても同じ関数）", () => {
  const eras = [{ name: "新元号", start: "2030-01-01" }, ...ERAS];
  assert.equal(japaneseDate(2030, 1, 1, eras), "2030年1月1日（新元号元年1月1日）");
  assert.equal(monthStart("新元号2年3月", eras), "2031-03-01");
});

test("表は開始日の新しい順で、日付は ISO", () => {
  for (const era of ERAS)
    assert.match(era.start, /^\d{4}-\d{2}-\d{2}$/);
  const starts = ERAS.map(era => era.start);
  assert.deepEqual([...starts].sort().reverse(), starts);
});

test("計算日時：端末の時刻帯つき", () => {
  const text = dateTimeText(new Date(2026, 11, 4, 9, 5));
  assert.match(text, /^2026年12月4日（令和8年12月4日） 9時05分（UTC[+−]\d+(:\d\d)?）$/);
});

test("入力の月：西暦・和暦・頭文字・全角・元年", () => {
  assert.equal(monthStart("2019-10"), "2019-10-01");
  assert.equal(monthStart("２０１９年１０月"), "2019-10-01");
  assert.equal(monthStart("令和元年10月"), "2019-10-01");
  assert.equal(monthStart("令和6年6月"), "2024-06-01");
  assert.equal(monthStart("平成31年4月"), "2019-04-01");
  assert.equal(monthStart("H30.10"), "2018-10-01");
  assert.equal(monthStart("r6.4"), "2024-04-01");
  assert.equal(monthStart("ことし"), null);
  assert.equal(monthStart(""), null);
});

test("和暦の年から西暦の年", () => {
  assert.equal(westernYear("令和", "元"), 2019);
  assert.equal(westernYear("H", "30"), 2018);
  assert.equal(westernYear("大正", "1"), null);
});

test("開いた月", () => {
  assert.equal(currentMonth(new Date(2026, 0, 15)), "2026-01");
});
