// 共有リンク（純粋な関数。tests/js/share.test.mjs）：フォームの値 ↔ URL の # 以降（application/x-www-form-urlencoded）。
// # 以降はサーバーに送られない。ファイルはリンクに入れない。値はフォームが送るもの（キーでも名でも）をそのまま入れる。

// fields：[{ key, kind, defaultChecked }]（フォームの順）。inputs：キー → 値（複数の値を持つ項目は配列）。
export function encodeInputs(fields, inputs) {
  const values = new URLSearchParams();
  for (const { key, kind, defaultChecked } of fields) {
    const value = inputs[key];
    if (kind === "file" || value === undefined)
      continue;  // ファイルは共有リンクに入れない
    if (Array.isArray(value))
      value.filter(v => v.trim() !== "" || kind === "checkboxes").forEach(v => values.append(key, v));
    else if (kind === "checkbox") {
      // 既定と違うときだけリンクに入れる（短いリンク・小さい QR コードのため。読むときは、ないものを既定とする）
      const checked = value === "on";
      if (checked !== Boolean(defaultChecked))
        values.append(key, checked ? "on" : "off");
    } else if (String(value).trim() !== "")
      values.append(key, value);
  }
  return values.toString();
}

export function decodeFragment(hash) {
  return new URLSearchParams((hash || "").replace(/^#/, ""));
}

// リンクがこの計算機の項目を一つでも持つか（持たない # は、ページ内の見出しへのリンクなど）
export function hasKnownKey(params, keys) {
  return [...params.keys()].some(key => keys.has(key));
}

// ページのアドレス（# より前）＋入力
export function linkFor(href, query) {
  return `${href.split("#")[0]}${query ? `#${query}` : ""}`;
}

// 人が読む形：日本語の文字の %XX の連なりを文字に戻す（「%E4%BB%A4…」ではなく「令和…」）。ASCII の %XX
// （& = # + 空白など）はそのまま残すので、区切りの意味は変わらない。ブラウザに貼れば同じリンクとして開く。
export function readableLink(url) {
  return url.replace(/(?:%[89A-Fa-f][0-9A-Fa-f])+/g, run => {
    try {
      return decodeURIComponent(run);
    } catch {
      return run;
    }
  });
}

// 選択肢の比較用の形（teichaku.rules.items.normalize_name と同じ：NFKC、ローマ数字Ⅰ→I、空白を除く、大文字）
const ROMAN = { "Ⅰ": "I", "Ⅱ": "II", "Ⅲ": "III", "Ⅳ": "IV", "Ⅴ": "V" };
export function normalizeChoice(text) {
  let folded = String(text || "").normalize("NFKC");
  for (const [roman, ascii] of Object.entries(ROMAN))
    folded = folded.replaceAll(roman, ascii);
  return folded.replace(/\s+/g, "").toUpperCase();
}

// リンクの値 wanted が選択肢に当たるか：値（キー）、表示名、以前の値（data-names：正式名・別名）のどれか。
// フォームの値が名からキーに変わっても、名の入った古いリンクが同じ選択肢を選ぶ。
export function choiceMatches(wanted, choice) {
  const w = normalizeChoice(wanted);
  return [choice.value, choice.label, ...(choice.names || [])].some(text => text && normalizeChoice(text) === w);
}

// data-names（「|」区切り）→ 名の配列
export function namesOf(text) {
  return (text || "").split("|").filter(Boolean);
}
