// 読み込みの状態の文（docs/assets/calc/progress.js の progressText）：25% ごとにだけ変わる（読み上げが続かない）。
import { test } from "node:test";
import assert from "node:assert/strict";
import { progressText } from "../../docs/assets/calc/progress.js";

test("25% ごとの段階で、バイト数の細かい変化では文が変わらない", () => {
  const at = loaded => progressText({ phase: "download", loaded, total: 100 }, false);
  assert.equal(at(1), at(24));
  assert.notEqual(at(24), at(25));
  assert.match(at(99), /75%以上/);
  assert.doesNotMatch(at(100), /100%/);
});

test("待っている入力があれば、準備ができ次第計算すると言う", () => {
  assert.match(progressText({ phase: "boot" }, true), /^計算の準備：Python を起動中…（準備ができ次第、計算します）$/);
  assert.match(progressText({ phase: "?" }, false), /読み込み中…（入力はこのまま続けられます）/);
});
