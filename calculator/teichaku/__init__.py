"""就労定着支援（障害者総合支援法第5条第15項）の規則を、日付つき・出典つきのパラメータで計算するパッケージ。

主資料：「就労定着支援の円滑な実施について」（平成31年3月29日 厚生労働省 事務連絡）別添。
標準ライブラリのみを使い、CPython 3.11 以上と Pyodide（Python 3.14）で同じように動く。

月の請求の API は `claim(ClaimFacts(...), parameters)`（型つきの事実、加算・減算は登録簿のキー）。`monthly_claim` は
以前の引数の形（文字列と加算の名）のまま残す別名で、ClaimFacts を作って claim を呼ぶだけ（README の「API」）。
"""

from .rules.eligibility import check_eligibility
from .rules.errors import InputError, ParameterError
from .rules.fees import ClaimFacts, ClaimResult, claim, monthly_claim
from .rules.new_office import new_office
from .rules.params import ParameterSet, default_parameters, load_parameters, registry
from .rules.retention import first_recalculation, retention_rate
from .rules.staffing import average_users, staffing

__version__ = "0.1.0"

__all__ = [
    "ClaimFacts",
    "ClaimResult",
    "InputError",
    "ParameterError",
    "ParameterSet",
    "average_users",
    "check_eligibility",
    "claim",
    "default_parameters",
    "first_recalculation",
    "load_parameters",
    "monthly_claim",
    "new_office",
    "registry",
    "retention_rate",
    "staffing",
]
