/*
 * 日本語検索ワーカー（Material for MkDocs の検索ワーカーを包む）
 *
 * Material の検索（lang: ja）は TinySegmenter で本文を分かち書きするが、分け方が前後の文脈で変わる
 * （「就労定着率」は 就労/定着/率、「定着率の目標」は 定着率/の/目標）うえ、検索語の分割が末尾の1字を
 * 落とす（「定着率」→「定着」）ため、「定着率」「問2」などが正しく見つからない。
 *
 * ここでは次のように置き換える。
 *   1. 索引：本文を「ひらがなの連なり」と「それ以外（漢字・カタカナ・数字・英字）の連なり」に分ける。
 *      文脈に依存しないので、検索語も同じ規則で分けられる。
 *   2. 検索：利用者が入力した語を同じ規則で分け、各語を部分一致（*語*）の必須条件（+）にして AND で探す。
 *      「定着率」は「就労定着率」「職場定着率」にも当たり、「問2」は「問2」に当たる。
 * 並べ替え（タイトルの重み付けなど）と結果の表示は Material のまま。
 *
 * __MATERIAL_WORKER__ はビルド時（calculator/teichaku_site/bundle.py）に Material の検索ワーカーのファイル名に置き換わる。
 */
"use strict";

const QUERY = 2;   // Material の SearchMessageType.QUERY
const RESULT = 3;  // Material の SearchMessageType.RESULT
let lastQuery = "";
let lastTerms = [];

/** 文字列を「ひらがなの連なり」と「それ以外の連なり」に分ける（索引と検索語で共通）。 */
function runs(text) {
  return text.match(/[\u3041-\u309f]+|[^\u3041-\u309f]+/g) || [];
}

/** 入力された検索語を索引と同じ規則で語に分ける。lunr の記号（+ - * : ~ ^ "）は取り除く。 */
function queryTerms(query) {
  const separator = new RegExp(self.lunr.tokenizer.separator.source, "g");
  const terms = [];
  for (const piece of query.replace(/[+\-*:~^"]/g, " ").split(separator)) {
    for (const run of runs(piece)) {
      const term = run.trim().toLowerCase();
      if (term && !terms.includes(term)) terms.push(term);
    }
  }
  return terms;
}

// 1. 受け取った検索語を Material の処理より先に控えておく（このリスナーが先に登録される）。
addEventListener("message", event => {
  if (event.data && event.data.type === QUERY) {
    lastQuery = String(event.data.data || "");
    lastTerms = queryTerms(lastQuery);
  }
});

// 2. TinySegmenter が読み込まれたら、分かち書きを文字種の連なりに置き換える。
const importOriginal = self.importScripts.bind(self);
self.importScripts = (...urls) => {
  importOriginal(...urls);
  if (self.lunr && self.lunr.TinySegmenter) {
    self.lunr.TinySegmenter.prototype.segment = function (text) {
      return runs(text);
    };
  }
};

// 3. 結果の「含まれない語」表示を、実際に使った検索語（すべて必須なので全部含まれる）に合わせる。
const postOriginal = self.postMessage.bind(self);
self.postMessage = message => {
  if (message && message.type === RESULT && message.data && Array.isArray(message.data.items)) {
    const terms = Object.fromEntries(lastTerms.map(term => [term, true]));
    for (const group of message.data.items)
      for (const item of group)
        item.terms = terms;
  }
  postOriginal(message);
};

importScripts("__MATERIAL_WORKER__");

// 4. lunr の検索を、控えておいた検索語の AND・部分一致に置き換える。
const searchOriginal = self.lunr.Index.prototype.search;
self.lunr.Index.prototype.search = function (queryString) {
  if (!lastTerms.length)
    return searchOriginal.call(this, queryString);
  return searchOriginal.call(this, lastTerms.map(term => `+*${term}*`).join(" "));
};
