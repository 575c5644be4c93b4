"""The six kinds of file the district receives, and the columns each may have.

The first header of a column is the template's; the others are the names departments' files are seen to
use. Headers match after full-width to half-width, spaces removed, an optional trailing "*" removed, and
case ignored. README.md ("Importing data") lists the same mapping for data operators.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import pandas as pd

from data_access.importing import cells


@dataclass(frozen=True)
class Field:
    name: str
    headers: tuple[str, ...]
    check: Callable[[str], cells.Checked]
    required: bool = True
    example: str = ""
    bulk: Callable[[pd.Series], tuple[pd.Series, pd.Series]] | None = None  # the check for a whole column

    @property
    def header(self) -> str:
        return self.headers[0]


@dataclass(frozen=True)
class Kind:
    name: str
    fields: tuple[Field, ...]
    key: tuple[str, ...]  # no two rows of one file may share these

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)


def _optional(check: Callable[..., cells.Checked]) -> Callable[[str], cells.Checked]:
    return partial(check, required=False)


ID = Field("id_number", ("身份证号码", "身份证号", "公民身份号码", "证件号码", "id_number"), cells.id_number,
           example="330105199001011233", bulk=cells.id_numbers)
CREDIT = Field("credit_code", ("统一社会信用代码", "社会信用代码", "信用代码", "单位统一社会信用代码", "credit_code"),
               cells.credit_code, example="91330105MA2A00000T")
NAME = Field("name", ("姓名", "name"), cells.text, example="张三")
PHONE = Field("phone", ("手机号码", "手机号", "联系电话", "phone"), cells.phone, required=False, example="13812345678")
COMMUNITY = Field("community", ("所属社区", "社区", "社区名称", "社区代码", "community"), cells.text,
                  example="台州路社区")
STREET = Field("street", ("所属街道", "街道", "街道名称", "street"), _optional(cells.text), required=False,
               example="拱宸桥街道")

KINDS: dict[str, Kind] = {
    "residents": Kind("residents", (
        ID, NAME, PHONE,
        Field("residence_type", ("人口类型", "户籍类型", "居住类型", "residence_type"), cells.residence_type,
              example="户籍"),
        COMMUNITY, STREET,
        Field("address", ("居住地址", "现住址", "地址", "address"), _optional(cells.text), required=False,
              example="拱墅区台州路 1 号"),
    ), key=("id_number",)),
    "enterprises": Kind("enterprises", (
        CREDIT,
        Field("name", ("企业名称", "单位名称", "名称", "name"), cells.text, example="杭州某某科技有限公司"),
        Field("industry", ("行业", "所属行业", "行业类别", "industry"), cells.text, example="制造业"),
        Field("address", ("地址", "企业地址", "经营地址", "注册地址", "address"), _optional(cells.text),
              required=False, example="拱墅区丰潭路 1 号"),
        Field("lon", ("经度", "lon", "lng", "longitude"), cells.longitude, required=False, example="120.1523"),
        Field("lat", ("纬度", "lat", "latitude"), cells.latitude, required=False, example="30.3195"),
        Field("community", COMMUNITY.headers, _optional(cells.text), required=False, example="台州路社区"),
        STREET,
    ), key=("credit_code",)),
    "employment": Kind("employment", (
        CREDIT, ID, NAME, PHONE,
        Field("since", ("参保日期", "参保时间", "入职日期", "since"), _optional(cells.day), required=False,
              example="2020-01-01"),
    ), key=("credit_code", "id_number")),
    "health_codes": Kind("health_codes", (
        ID,
        Field("colour", ("健康码颜色", "健康码", "码色", "颜色", "colour", "color"), cells.colour, example="绿码"),
        Field("changed_at", ("变码时间", "变更时间", "赋码时间", "时间", "changed_at"), _optional(cells.moment),
              required=False, example="2022-04-01 08:00:00"),
    ), key=("id_number",)),
    "managed": Kind("managed", (
        ID,
        Field("kind", ("管控类型", "管控类别", "人员类别", "kind"), cells.managed_kind, example="居家隔离"),
        COMMUNITY, STREET,
        Field("start_date", ("开始日期", "管控开始日期", "start_date"), cells.day, example="2022-04-01"),
        Field("end_date", ("结束日期", "解除日期", "管控结束日期", "end_date"), _optional(cells.day),
              required=False, example="2022-04-14"),
    ), key=("id_number", "kind", "start_date")),
}
TABLE_KINDS = tuple(KINDS)
ALL_KINDS = ("boundaries", *TABLE_KINDS)
