// フォームの状態：項目の値の読み書き（共有リンクとの間も）、勤務時間の行、表示のとおりの入力（算定根拠書）、名簿ファイル。
import { element } from "./dom.js";
import { currentMonth } from "./dates.js";
import { choiceMatches, encodeInputs, linkFor, namesOf } from "./share.js";

export function mountFormState(form, { onChange = () => {} } = {}) {
  const hoursBody = form.querySelector(".calc-hours tbody");
  const control = key => form.querySelector(`#f-${key}`);

  // ---- 勤務時間の表（行の追加・削除）----
  function renumber() {
    [...hoursBody.rows].forEach((row, index) => {
      const n = index + 1;
      row.querySelector("th").textContent = `${n}人目`;
      const input = row.querySelector("input");
      input.id = `f-hours-${index}`;
      row.querySelector("label").setAttribute("for", input.id);
      row.querySelector("label").textContent = `${n}人目の週の勤務時間（時間）`;
      row.querySelector("button").textContent = `${n}人目を削除`;
    });
  }

  function addRow(value = "", focus = false) {
    const input = element("input", { type: "text", name: "hours", inputmode: "decimal", autocomplete: "off",
                                     class: "calc-input-short", "aria-describedby": "f-hours-hint f-hours-error" });
    input.value = value;
    const remove = element("button", { type: "button", class: "md-button calc-remove-row" });
    const row = element("tr", {}, element("th", { scope: "row" }),
                        element("td", {}, element("label", { class: "calc-visually-hidden" }), input),
                        element("td", {}, remove));
    remove.addEventListener("click", () => {
      const next = row.nextElementSibling || row.previousElementSibling;
      row.remove();
      renumber();
      (next ? next.querySelector("input") : form.querySelector(".calc-add-row")).focus();
      onChange();
    });
    hoursBody.append(row);
    renumber();
    if (focus)
      input.focus();
  }

  // 勤務時間の表を空の2行に
  function resetRows() {
    if (!hoursBody)
      return;
    hoursBody.replaceChildren();
    addRow();
    addRow();
  }

  if (hoursBody)
    form.querySelector(".calc-add-row").addEventListener("click", () => addRow("", true));

  // ---- 値の読み書き ----
  function fields() {
    return [...form.querySelectorAll("[data-field]")].map(node => ({
      key: node.dataset.field,
      kind: node.dataset.kind,
      defaultChecked: node.dataset.kind === "checkbox" ? control(node.dataset.field).defaultChecked : false,
    }));
  }

  function readInputs() {
    const inputs = {};
    for (const { key, kind } of fields()) {
      if (kind === "checkbox")
        inputs[key] = control(key).checked ? "on" : "";
      else if (kind === "checkboxes")
        inputs[key] = [...form.querySelectorAll(`input[name="${key}"]:checked`)].map(box => box.value);
      else if (kind === "hours")
        inputs[key] = [...form.querySelectorAll(`input[name="${key}"]`)].map(input => input.value);
      else if (kind === "file") {
        const file = control(key).files[0];
        inputs[key] = file ? file.name : "";
      } else
        inputs[key] = control(key).value;
    }
    return inputs;
  }

  const labelOf = box => {
    const label = form.querySelector(`label[for="${box.id}"]`);
    return label ? label.textContent : "";
  };

  // 共有リンクの値を入れる。リンクにない項目は既定に戻す（前のリンクの値を残さない）。開いた月を入れる項目は今の値のまま
  function writeInputs(values) {
    for (const { key, kind } of fields()) {
      const all = values.getAll(key);
      if (kind === "checkbox")
        control(key).checked = values.has(key) ? all[0] === "on" : control(key).defaultChecked;
      else if (kind === "checkboxes")
        form.querySelectorAll(`input[name="${key}"]`).forEach(box => {
          const choice = { value: box.value, label: labelOf(box), names: namesOf(box.dataset.names) };
          box.checked = all.some(wanted => choiceMatches(wanted, choice));
        });
      else if (kind === "file")
        continue;
      else if (kind === "hours") {
        hoursBody.replaceChildren();
        (all.length ? all : ["", ""]).forEach(value => addRow(value));
      } else {
        const el = control(key);
        if (values.has(key)) {
          el.value = all[0];
          if (el.tagName === "SELECT" && el.value !== all[0]) {  // 値でなく表示名（またはキー）のリンク
            const option = [...el.options].find(o => o.value && choiceMatches(all[0], { value: o.value, label: o.textContent,
                                                                                       names: namesOf(o.dataset.names) }));
            el.value = option ? option.value : "";
          }
        } else if (!el.dataset.default)
          el.value = el.tagName === "SELECT" ? "" : el.defaultValue;
      }
    }
    form.dispatchEvent(new Event("calc:filled"));
  }

  function query() {
    return encodeInputs(fields(), readInputs());
  }

  function shareUrl() {
    return linkFor(location.href, query());
  }

  // サービス提供月の既定値：このページを開いた月
  function fillCurrentMonth() {
    const month = currentMonth();
    form.querySelectorAll("input[data-default='current-month']").forEach(input => {
      if (!input.value.trim())
        input.value = month;
    });
    form.dispatchEvent(new Event("calc:filled"));
  }

  // 「入力を消す」
  function clear() {
    form.reset();
    fillCurrentMonth();
    resetRows();
  }

  // フォームの表示のとおりの入力（項目名 → 値）：算定根拠書に載せる。空欄の項目、既定のままのチェックなし、
  // 画面に出ていない項目（この月にない、空の項目。months.js が隠す）は載せない：見ていない項目は印刷しない。
  function fieldLabel(node, key) {
    const head = node.matches("fieldset") ? node.querySelector("legend") : node.querySelector(`label[for="f-${key}"]`);
    if (!head)
      return key;
    const copy = head.cloneNode(true);
    copy.querySelectorAll(".calc-required, .calc-optional").forEach(mark => mark.remove());
    return copy.textContent.trim();
  }

  function enteredValues() {
    const entries = [];
    for (const node of form.querySelectorAll("[data-field]")) {
      if (node.closest("[hidden]"))
        continue;
      const key = node.dataset.field;
      const input = control(key);
      let value;
      if (node.dataset.kind === "checkbox")
        value = input.checked ? "はい" : input.defaultChecked ? "いいえ" : "";
      else if (node.dataset.kind === "checkboxes")
        value = [...node.querySelectorAll("input:checked")].filter(box => !box.closest("[hidden]"))
          .map(box => labelOf(box).trim() || box.value).join("、");
      else if (node.dataset.kind === "hours")
        value = [...node.querySelectorAll("input")].map((cell, i) => cell.value.trim() ? `${i + 1}人目：${cell.value.trim()}` : "")
          .filter(Boolean).join("、");
      else if (node.dataset.kind === "file")
        value = input.files[0] ? input.files[0].name : "";
      else if (node.dataset.kind === "select")
        value = input.value ? input.selectedOptions[0].textContent.trim() : "";
      else
        value = input.value.trim();
      if (value)
        entries.push({ key, label: fieldLabel(node, key), value });
    }
    return entries;
  }

  // ---- 名簿ファイル：このページの中で読むだけ（送信しない）----
  function fileInput() {
    return form.querySelector("input[type=file]");
  }

  async function readFile() {
    const input = fileInput();
    const file = input && input.files[0];
    return file ? new Uint8Array(await file.arrayBuffer()) : null;
  }

  // 名簿ファイルの名前・大きさ・SHA-256（どのファイルで計算したかを、中身を載せずに示す）
  async function fileFacts(bytes) {
    const file = fileInput().files[0];
    let digest = "";
    try {
      if (globalThis.crypto && crypto.subtle)
        digest = [...new Uint8Array(await crypto.subtle.digest("SHA-256", bytes))].map(b => b.toString(16).padStart(2, "0")).join("");
    } catch {
      digest = "";
    }
    return { name: file ? file.name : "", size: bytes.byteLength, digest };
  }

  return {
    keys: new Set(fields().map(field => field.key)),
    hasFile: Boolean(fileInput()),
    readInputs, writeInputs, query, shareUrl, fillCurrentMonth, clear, resetRows, enteredValues, readFile, fileFacts,
  };
}
