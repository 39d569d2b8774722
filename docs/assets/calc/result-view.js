// 結果の表示：判定・要約・時間の帯・一覧・表・根拠と出典。入力のエラー：エラーの一覧と各項目のメッセージ。
import { element, siteRoot } from "./dom.js";

const CONFIDENCE = { high: "高", medium: "中", low: "低" };

function sourceLink(source) {
  if (!source.href)
    return element("span", {}, source.label);
  return element("a", { href: new URL(source.href, siteRoot()).href }, source.label);
}

function renderTable(table) {
  const head = element("tr", {}, table.columns.map((column, index) =>
    element("th", { scope: "col", class: index === table.current_column ? "calc-current-column" : null },
            column, index === table.current_column ? "（該当）" : "")));
  const rows = table.rows.map(row => element("tr", { class: row.current ? "calc-current" : null },
    row.cells.map((cell, index) => element(index === 0 ? "th" : "td", {
      scope: index === 0 ? "row" : null,
      "data-label": index === 0 ? null : table.columns[index],  // 狭い画面で縦に積むとき、値の前に列の見出し（site.css）
      class: index === table.current_column ? "calc-current-column" : null,
    }, cell, index === 0 && row.current ? "（該当）" : ""))));
  return element("div", { class: "calc-table-wrap" },
                 // 横に長い表はスクロールするので、キーボードでも動かせるようにする（tabindex）
                 element("table", { tabindex: "0" }, element("caption", {}, table.caption), element("thead", {}, head),
                         element("tbody", {}, rows)));
}

function renderTimeline(timeline) {
  const items = timeline.bars.map(bar => {
    const track = element("span", { class: "calc-track", "aria-hidden": "true" });
    const fill = element("span", { class: `calc-bar calc-bar-${bar.tone}` });
    fill.style.left = `${bar.from * 100}%`;
    fill.style.width = `${Math.max((bar.to - bar.from) * 100, 0.5)}%`;
    track.append(fill);
    return element("li", {}, element("span", { class: "calc-bar-label" }, `${bar.label}：${bar.text}`), track);
  });
  return element("figure", { class: "calc-timeline" }, element("figcaption", {}, timeline.caption), element("ul", {}, items));
}

// 結果を output に描く。actions：判定の後に置く操作（算定根拠書、名簿のダウンロード）。見出しを返す（フォーカスの移り先）。
export function renderResult(output, kind, result, actions = []) {
  const sources = new Map(result.sources.map(source => [source.label, source]));
  const heading = element("h2", { id: `${kind}-result-heading`, class: "calc-result-heading", tabindex: "-1" }, "計算結果");
  const parts = [heading, element("p", { class: `calc-verdict calc-verdict-${result.verdict.tone}` }, result.verdict.text),
                 ...actions];
  parts.push(element("dl", { class: "calc-summary" },
                     result.summary.map(item => [element("dt", {}, item.label), element("dd", {}, item.value)])));
  if (result.timeline)
    parts.push(renderTimeline(result.timeline));
  for (const list of result.lists)
    parts.push(element("h3", {}, list.title), element("ul", {}, list.items.map(item => element("li", {}, item))));
  if (result.table)
    parts.push(renderTable(result.table));
  for (const table of result.tables || [])
    parts.push(renderTable(table));
  const steps = result.steps.map(step => element("li", {}, step.text,
    step.sources.length ? element("span", { class: "calc-step-sources" }, "（",
      step.sources.map((label, i) => [i ? "、" : "", sources.has(label) ? sourceLink(sources.get(label)) : label]), "）") : null));
  const cited = result.sources.map(source => element("li", {}, sourceLink(source),
    source.quote ? [" ", element("q", {}, source.quote)] : null,
    source.url ? [" ", element("a", { href: source.url, rel: "noopener" }, "e-Gov 法令検索で開く")] : null,
    source.confidence ? ` （確度：${CONFIDENCE[source.confidence] || source.confidence}` +
      `${source.checked_against ? `。${source.checked_against}で確認` : ""}）` : null));
  parts.push(element("section", { class: "calc-basis", "aria-labelledby": `${kind}-basis-heading` },
                     element("h3", { id: `${kind}-basis-heading` }, "根拠（計算の手順）"), element("ol", {}, steps),
                     element("h3", {}, "出典"), element("ul", {}, cited)));
  output.replaceChildren(...parts);
  return heading;
}

// ---- 入力のエラー ----
// エラーは全項目分をまとめて示す：フォームの先頭にエラーの一覧（デジタル庁デザインシステムのエラーサマリー：
// 見出し、件数、各項目へのリンク）、各項目の上にそのメッセージ。一覧はフォームの項目の順に並べる。
// 前の結果は消し、「入力にエラーがあるため結果を表示していません」と示す（古い結果が新しい入力と並んで
// 画面や印刷に残らないように）。
export function mountErrors(form, kind, after) {
  const summary = element("div", { class: "calc-error-summary", tabindex: "-1", "aria-labelledby": `${kind}-error-summary-heading`,
                                   hidden: true });
  after.after(summary);

  function clear() {
    form.querySelectorAll(".calc-error").forEach(node => { node.hidden = true; node.textContent = ""; });
    form.querySelectorAll("[aria-invalid]").forEach(node => node.removeAttribute("aria-invalid"));
    summary.hidden = true;
    summary.replaceChildren();
  }

  // 項目（と勤務時間の行）の入力欄。フォームの中の位置で並べ替えるのに使う。
  function inputFor(error) {
    if (!error.field)
      return null;
    if (error.index !== null && error.index !== undefined) {
      const row = form.querySelectorAll(`input[name="${error.field}"]`)[error.index];
      if (row)
        return row;
    }
    return form.querySelector(`#f-${error.field}`) || form.querySelector(`[name="${error.field}"]`) ||
           form.querySelector(`[data-field="${error.field}"]`);
  }

  function inFormOrder(errors) {
    const placed = errors.map((error, position) => ({ error, position, node: inputFor(error) }));
    placed.sort((a, b) => {
      if (!a.node || !b.node)
        return (a.node ? 1 : 0) - (b.node ? 1 : 0) || a.position - b.position;  // 項目のないエラーを先に
      if (a.node === b.node)
        return a.position - b.position;
      return a.node.compareDocumentPosition(b.node) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1;
    });
    return placed;
  }

  // errors を示す。focus：エラーの一覧へフォーカスを移す（計算するを押したとき。入力中は動かさない）
  function show(errors, focus) {
    const items = [];
    const boxes = new Map();
    for (const { error, node } of inFormOrder(errors || [])) {
      const label = error.label || "入力";
      const box = error.field ? form.querySelector(`#f-${error.field}-error`) : null;
      if (box) {
        const texts = boxes.get(box) || [];
        texts.push(error.message);
        boxes.set(box, texts);
      }
      if (node && node.matches("input, select, textarea"))
        node.setAttribute("aria-invalid", "true");
      const text = `${label}：${error.message}`;
      if (node) {
        const target = node.matches("input, select, textarea") ? node : node.querySelector("input, select, textarea") || node;
        const link = element("a", { href: `#${target.id || ""}` }, text);
        link.addEventListener("click", event => {
          // # を書き換えない（# 以降は入力の保存に使う）：その項目へ移ってフォーカスする
          event.preventDefault();
          target.scrollIntoView({ block: "center" });
          target.focus();
        });
        items.push(element("li", {}, link));
      } else {
        items.push(element("li", {}, text));
      }
    }
    for (const [box, texts] of boxes) {
      box.textContent = texts.map(text => `エラー：${text}`).join(" ");
      box.hidden = false;
    }
    summary.replaceChildren(
      element("h2", { id: `${kind}-error-summary-heading`, class: "calc-error-summary-heading" }, "入力内容を確認してください"),
      element("p", {}, `${items.length}件のエラーがあります。各項目を直すと、計算し直します。`),
      element("ul", {}, items));
    summary.hidden = false;
    if (focus)
      summary.focus();
  }

  return { clear, show };
}
