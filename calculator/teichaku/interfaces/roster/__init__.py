"""事業所の名簿（ロスター）：1つの CSV または Excel ファイルから、年度の就労定着率・利用者数・人員配置・月ごとの請求。

層（それぞれのモジュールの docstring に詳細）：
- read：バイト列 → 表（CSV UTF-8／BOM／CP932、Excel は openpyxl）。見出し行は各シートの最初の10行から探す。
- validate：表の行 → 確かめた事実（UserFacts など）。どの行も読み込むか、シート・行・列・理由つきで読み込めないかのどちらか。
- aggregate：事実 → 結果。数え方の規則は teichaku.rules.office（問2の除外、転職、就労定着実績体制加算、延べ・平均利用者数）に
  あり、月ごとの請求は teichaku.rules.fees.claim（aggregate._claim の一か所から型つきの ClaimFacts で呼ぶ）。
- model：型（UserFacts、RosterResult …）。RosterResult.to_dict() は web.py・cli.py が読む形。
- export：結果の表（_sheets）、CSV・Excel への書き出し、入力のテンプレート。

入力（1行に1利用者。氏名は不要、利用者IDは仮名）：
    利用者ID、前サービス、就職日、離職日（就労継続中は空欄）、転職（再就職日）、転職後の離職日（2回目の離職）、
    利用開始日、利用終了日（利用中は空欄）、他事業所からの受入れ（初期加算）、特別地域
任意の表：対面支援（支援の記録。利用者ID、日付、任意の「種類」＝「対面」（空欄も）か「支援レポート」）、
職員（職員、職種、週の勤務時間）。Excel は別のシートに、CSV は空行のあとにその表の見出し行を置いて続ける。
「○」の列（他事業所からの受入れ、特別地域）は加算・減算の登録簿の事実（data/claim_items.toml の [facts] の column）で、
登録簿に column のある事実を足せば、その列を名簿に足すだけで月ごとの請求に届く。
Excel の読み込みには openpyxl（任意の依存。ブラウザでは Pyodide の横に wheel を置く）を使う。CSV だけなら標準ライブラリだけで動く。

計算（年度末日 fiscal_year_end = FYE。パラメータは FYE の値）：
- 就労定着率（別添 p.14、問2 p.31）：過去3年間（FYE の3年前の4月1日〜FYE）に利用した者が分母、そのうち FYE に就労が
  続いている者が分子。転職は、利用期間中の1回で離職から1月以内の再就職なら就労継続（平成30年12月17日 Q&A）。
  問2：利用期間が満了した利用者が満了と同じ年度に退職した場合は、両方から除外する（teichaku.rules.office.q2_excluded）。
- 延べ利用者数と平均利用者数：対面支援の表があれば、月に1回以上対面支援があった利用者をその月の利用者として数える
  （基本報酬を請求できる月）。なければ、利用期間がその月に1日でもかかる利用者を数える。平均は12で除して切り上げ。
- 月ごとの請求：FYE の年度の各月について、前年度末日（FYE の1年前）の就労定着率と前年度の平均利用者数による区分・規模で、
  teichaku.rules.fees.claim と同じ規則で求める（対面支援の表がないときは計算しない）。請求する加算・減算は登録簿から、
  名簿の事実（○の列）が要件を満たすものを選ぶ（1回限りの加算は名簿の中で一度だけ）。基本報酬の要件はその月の
  fees.billing_condition：令和3年3月までの月は「対面」の行、令和3年4月からの月は「支援レポート」の行がその月にあること。
  ファイルに「支援レポート」の行が一つもなければ（「種類」の列のない以前のファイル）、令和3年4月からの月は共有したもの
  として計算し、注意でそう言う。
- 就労定着実績体制加算：過去6年間に利用を終了した者のうち、FYE までに42月以上78月未満就労が続いた（又は続いていた）者の割合。
  名簿が6年をさかのぼらない場合はその旨を示す。
"""

from .aggregate import analyse
from .export import TEMPLATE_ROWS, _sheets, keyed_sheets, template_csv, template_xlsx, to_csv, to_xlsx
from .model import (
    CONTACT_COLUMNS,
    MAX_BYTES,
    REQUIRED_COLUMNS,
    ROSTER_COLUMNS,
    STAFF_COLUMNS,
    SUPPORT_STAFF,
    Rejection,
    RosterError,
    RosterResult,
    UserFacts,
)
from .read import Table, read, read_tables

__all__ = [
    "CONTACT_COLUMNS",
    "MAX_BYTES",
    "REQUIRED_COLUMNS",
    "ROSTER_COLUMNS",
    "STAFF_COLUMNS",
    "SUPPORT_STAFF",
    "TEMPLATE_ROWS",
    "Rejection",
    "RosterError",
    "RosterResult",
    "Table",
    "UserFacts",
    "_sheets",
    "analyse",
    "keyed_sheets",
    "read",
    "read_tables",
    "template_csv",
    "template_xlsx",
    "to_csv",
    "to_xlsx",
]
