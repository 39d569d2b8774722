// ESLint（固定版：package.json）：計算機のページの ES モジュールと、その単体テスト（node --test）。scripts/test.sh が実行する。
// 対象は自分たちの書いたスクリプトだけ（Material や Pyodide の配布物、ビルドしたサイトは含めない）。
import js from "@eslint/js";
import globals from "globals";

export default [
  { ignores: ["site/**", "node_modules/**", ".venv/**", "**/*.min.js"] },
  js.configs.recommended,
  {
    files: ["docs/assets/calc/**/*.js"],
    languageOptions: { ecmaVersion: 2024, sourceType: "module", globals: { ...globals.browser } },
    rules: {
      "no-unused-vars": ["error", { args: "after-used", caughtErrors: "none" }],
      eqeqeq: ["error", "always"],
      "no-var": "error",
      "prefer-const": "error",
    },
  },
  {
    // head で読む普通のスクリプト（モジュールではない）
    files: ["docs/assets/calc/start.js"],
    languageOptions: { sourceType: "script" },
  },
  {
    // Web Worker（モジュール）。起動し直しても失敗したときは、その失敗を伝えるために catch の変数を置き換える
    files: ["docs/assets/calc/worker.js"],
    languageOptions: { globals: { ...globals.worker } },
    rules: { "no-ex-assign": "off" },
  },
  {
    files: ["tests/js/**/*.mjs"],
    languageOptions: { ecmaVersion: 2024, sourceType: "module", globals: { ...globals.node } },
  },
];
