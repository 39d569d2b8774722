// 日付の文字（docs/assets/calc/dates.js）：teichaku.rules.dates.date_text と同じ書き方、元号の境目の両側、和暦の入力。
// 元号の表は二つで試す：ビルドと同じ生成の写し（python -m teichaku_site.eras。Python の date_text と文字まで照らす）と、
// 架空の元号を加えた小さな表（表を差し替えても同じ関数で動く）。
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { currentMonth, dateTimeText, isoDateText, japaneseDate, monthStart, westernYear } from "../../docs/assets/calc/dates.js";

const TABLE = [
  { name: "令和", start: "2019-05-01" },
  { name: "平成", start: "1989-01-08" },
  { name: "昭和", start: "1926-12-25" },
];

// リポジトリの Python（.venv、なければ環境変数 PYTHON）。どちらもなければ、Python と照らすテストは飛ばす。
const PYTHON = process.env.PYTHON || ".venv/bin/python";
const python = (args) => spawnSync(PYTHON, args, { encoding: "utf-8", env: { ...process.env, PYTHONPATH: "calculator" } });
const havePython = existsSync(PYTHON) || Boolean(process.env.PYTHON);

async function generatedEras() {
  const made = python(["-m", "teichaku_site.eras"]);
  assert.equal(made.status, 0, made.stderr);
  const file = join(mkdtempSync(join(tmpdir(), "eras-")), "eras.js");
  writeFileSync(file, made.stdout);
  return (await import(pathToFileURL(file).href)).ERAS;
}

test("元号の境目の両側：平成31年4月30日と令和元年5月1日", () => {
  assert.equal(japaneseDate(2019, 4, 30, TABLE), "2019年4月30日（平成31年4月30日）");
  assert.equal(japaneseDate(2019, 5, 1, TABLE), "2019年5月1日（令和元年5月1日）");
  assert.equal(japaneseDate(1989, 1, 7, TABLE), "1989年1月7日（昭和64年1月7日）");
  assert.equal(japaneseDate(1989, 1, 8, TABLE), "1989年1月8日（平成元年1月8日）");
});

test("表より前の日付は西暦だけ", () => {
  assert.equal(japaneseDate(1926, 12, 24, TABLE), "1926年12月24日");
});

test("ISO の日付は西暦（和暦）に、それ以外の文字はそのまま", () => {
  assert.equal(isoDateText("2024-04-01", TABLE), "2024年4月1日（令和6年4月1日）");
  assert.equal(isoDateText("2024-04", TABLE), "2024-04");
  assert.equal(isoDateText("", TABLE), "");
  assert.equal(isoDateText(undefined, TABLE), undefined);
});

test("表を差し替えても同じ関数（架空の新元号）", () => {
  const eras = [{ name: "新元号", start: "2030-01-01" }, ...TABLE];
  assert.equal(japaneseDate(2030, 1, 1, eras), "2030年1月1日（新元号元年1月1日）");
  assert.equal(japaneseDate(2029, 12, 31, eras), "2029年12月31日（令和11年12月31日）");
  assert.equal(monthStart("新元号2年3月", eras), "2031-03-01");
});

test("計算日時：端末の時刻帯つき", () => {
  const text = dateTimeText(new Date(2026, 11, 4, 9, 5), TABLE);
  assert.match(text, /^2026年12月4日（令和8年12月4日） 9時05分（UTC[+−]\d+(:\d\d)?）$/);
});

test("入力の月：西暦・和暦・頭文字・全角・元年", () => {
  assert.equal(monthStart("2019-10", TABLE), "2019-10-01");
  assert.equal(monthStart("２０１９年１０月", TABLE), "2019-10-01");
  assert.equal(monthStart("令和元年10月", TABLE), "2019-10-01");
  assert.equal(monthStart("令和6年6月", TABLE), "2024-06-01");
  assert.equal(monthStart("平成31年4月", TABLE), "2019-04-01");
  assert.equal(monthStart("H30.10", TABLE), "2018-10-01");
  assert.equal(monthStart("r6.4", TABLE), "2024-04-01");
  assert.equal(monthStart("ことし", TABLE), null);
  assert.equal(monthStart("", TABLE), null);
});

test("和暦の年から西暦の年", () => {
  assert.equal(westernYear("令和", "元", TABLE), 2019);
  assert.equal(westernYear("H", "30", TABLE), 2018);
  assert.equal(westernYear("大正", "1", TABLE), null);
});

test("開いた月", () => {
  assert.equal(currentMonth(new Date(2026, 0, 15)), "2026-01");
});

test("ビルドの元号の表（Python の dates.ERAS から生成）で、Python の date_text と同じ文字", { skip: !havePython && "Python がありません" },
     async () => {
  const eras = await generatedEras();
  assert.ok(eras.length >= 3);
  for (const era of eras)
    assert.match(era.start, /^\d{4}-\d{2}-\d{2}$/);
  const days = ["1926-12-24", "1926-12-25", "1989-01-07", "1989-01-08", "2019-04-30", "2019-05-01", "2024-04-01", "2026-12-04"];
  const py = python(["-c", "import sys, datetime\nfrom teichaku.rules.dates import date_text\n" +
                     "for d in sys.argv[1:]: print(date_text(datetime.date.fromisoformat(d)))", ...days]);
  assert.equal(py.status, 0, py.stderr);
  assert.deepEqual(days.map(day => isoDateText(day, eras)), py.stdout.trim().split("\n"));
  // 各元号の元年の月を和暦で入れると、その元号の始まりの年の月
  for (const era of eras)
    assert.equal(monthStart(`${era.name}元年12月`, eras), `${era.start.slice(0, 4)}-12-01`);
});
