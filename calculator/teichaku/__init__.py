"""就労定着支援（障害者総合支援法第5条第15項）の規則を、日付つき・出典つきのパラメータで計算するパッケージ。

主資料：「就労定着支援の円滑な実施について」（平成31年3月29日 厚生労働省 事務連絡）別添。
標準ライブラリのみを使い、CPython 3.11 以上と Pyodide（Python 3.14）で同じように動く。
"""

from .rules.eligibility import check_eligibility
from .rules.errors import InputError, ParameterError
from .rules.fees import monthly_claim
from .rules.new_office import new_office
from .rules.params import default_parameters, load_parameters
from .rules.retention import first_recalculation, retention_rate
from .rules.staffing import average_users, staffing

__version__ = "0.1.0"

__all__ = [
    "InputError",
    "ParameterError",
    "average_users",
    "check_eligibility",
    "default_parameters",
    "first_recalculation",
    "load_parameters",
    "monthly_claim",
    "new_office",
    "retention_rate",
    "staffing",
]
