// The date pickers' calendars in Chinese (weekday and month names). Dash's date picker formats them with
// date-fns and takes the locale from window.dateFns.locale, by the browser's language (or the first one
// there): this is that locale, served from here, so nothing is fetched from outside.
(function () {
  var days = ["日", "一", "二", "三", "四", "五", "六"];
  var months = ["1月", "2月", "3月", "4月", "5月", "6月", "7月", "8月", "9月", "10月", "11月", "12月"];
  var pick = function (values) { return function (n) { return values[n]; }; };
  var zhCN = {
    code: "zh-CN",
    formatDistance: function () { return ""; },
    formatRelative: function () { return ""; },
    localize: {
      ordinalNumber: function (n) { return String(n); },
      era: pick(["公元前", "公元"]),
      quarter: function (n) { return "第" + n + "季度"; },
      month: pick(months),
      day: pick(days),
      dayPeriod: function (period) { return period === "am" ? "上午" : "下午"; }
    },
    formatLong: {
      date: function () { return "y-MM-dd"; },
      time: function () { return "HH:mm:ss"; },
      dateTime: function () { return "{{date}} {{time}}"; }
    },
    match: {},
    options: { weekStartsOn: 1, firstWeekContainsDate: 4 }
  };
  window.dateFns = window.dateFns || {};
  window.dateFns.locale = Object.assign({}, window.dateFns.locale, { zhCN: zhCN, zh: zhCN });
})();
