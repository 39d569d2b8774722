// 共有リンク（docs/assets/calc/share.js）：フォームの値 → # 以降、読める形、古いリンク（名）と新しいリンク（キー）の選択肢。
import { test } from "node:test";
import assert from "node:assert/strict";
import { choiceMatches, decodeFragment, encodeInputs, hasKnownKey, linkFor, namesOf, normalizeChoice, readableLink }
  from "../../docs/assets/calc/share.js";

const CLAIM = [
  { key: "month", kind: "month" },
  { key: "users", kind: "count" },
  { key: "face_to_face", kind: "checkbox", defaultChecked: true },
  { key: "special_area", kind: "checkbox", defaultChecked: false },
  { key: "additions", kind: "checkboxes" },
  { key: "hours", kind: "hours" },
  { key: "file", kind: "file" },
];

test("空欄と既定のままのチェックは入れない。ファイルは入れない", () => {
  const query = encodeInputs(CLAIM, { month: "2024-06", users: " ", face_to_face: "on", special_area: "", additions: [],
                                      hours: ["", ""], file: "名簿.csv" });
  assert.equal(query, "month=2024-06");
});

test("既定と違うチェックは on / off で入れる", () => {
  const query = encodeInputs(CLAIM, { face_to_face: "", special_area: "on" });
  assert.equal(query, "face_to_face=off&special_area=on");
});

test("複数の値：選んだ選択肢と、空でない勤務時間の行", () => {
  const query = encodeInputs(CLAIM, { additions: ["special_area", "initial"], hours: ["40", "", "20"] });
  assert.equal(query, "additions=special_area&additions=initial&hours=40&hours=20");
});

test("値はそのまま往復する（日本語も）", () => {
  const inputs = { month: "令和6年6月", users: "20", additions: ["地域連携会議実施加算（Ⅰ）"] };
  const params = decodeFragment(`#${encodeInputs(CLAIM, inputs)}`);
  assert.equal(params.get("month"), "令和6年6月");
  assert.deepEqual(params.getAll("additions"), ["地域連携会議実施加算（Ⅰ）"]);
});

test("キーの値ならリンクは ASCII だけで短い", () => {
  const query = encodeInputs(CLAIM, { month: "2024-06", users: "20", additions: ["special_area"], special_area: "on" });
  assert.match(query, /^[\x21-\x7e]+$/);
  assert.ok(!query.includes("%"));
});

test("リンク：# 以降を付け替える。空なら # もつけない", () => {
  assert.equal(linkFor("https://example.test/calc/claim/#old=1", "users=20"), "https://example.test/calc/claim/#users=20");
  assert.equal(linkFor("https://example.test/calc/claim/#old=1", ""), "https://example.test/calc/claim/");
});

test("計算機の項目のない # は共有リンクではない", () => {
  const keys = new Set(CLAIM.map(field => field.key));
  assert.equal(hasKnownKey(decodeFragment("#users=20"), keys), true);
  assert.equal(hasKnownKey(decodeFragment("#_2"), keys), false);
  assert.equal(hasKnownKey(decodeFragment(""), keys), false);
});

test("読める形：日本語の %XX は文字に、区切りの意味を持つ ASCII の %XX はそのまま", () => {
  const url = linkFor("https://example.test/calc/claim/",
                      encodeInputs(CLAIM, { month: "令和6年6月", additions: ["A&B=C 加算"] }));
  assert.equal(readableLink(url), "https://example.test/calc/claim/#month=令和6年6月&additions=A%26B%3DC+加算");
  assert.equal(decodeFragment(new URL(readableLink(url)).hash).get("additions"), "A&B=C 加算");
  assert.equal(readableLink("https://example.test/#x=%E4%BB"), "https://example.test/#x=%E4%BB");  // 壊れた %XX はそのまま
});

test("選択肢：値（キー）・表示名・以前の名（data-names）のどれでも（全角・半角、Ⅰ／I、空白を問わない）", () => {
  const choice = { value: "regional_meeting_1", label: "地域連携会議実施加算（Ⅰ）", names: namesOf("地域連携会議実施加算（Ⅰ）|地域連携1") };
  assert.ok(choiceMatches("地域連携1", choice));
  assert.ok(choiceMatches("regional_meeting_1", choice));
  assert.ok(choiceMatches("地域連携会議実施加算（Ⅰ）", choice));  // 名の入った古いリンク
  assert.ok(choiceMatches("地域連携会議実施加算(I)", choice));
  assert.ok(!choiceMatches("地域連携会議実施加算（Ⅱ）", choice));
  assert.ok(!choiceMatches("", { value: "x", label: "" }));
  assert.equal(normalizeChoice(" 就労 定着 "), "就労定着");
  assert.deepEqual(namesOf(""), []);
  assert.deepEqual(namesOf(undefined), []);
});
