// Home page: the flow map (ECharts + echarts@4.9.0's China outlines) and the province Sankey.
// Data comes from the page itself (#flow-data, JSON written by the server); nothing is fetched
// from outside the app. Sets data-map / data-sankey on <body> to "ready" once drawn (tests wait on it).
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("flow-data").textContent);
  var body = document.body;

  var COLOURS = {"援疆": "#c0392b", "援藏": "#8e44ad", "援青": "#d35400", "涉藏州县": "#6c3483",
                 "东西部协作": "#1f77b4", "灾后重建": "#2e8b57", "对口合作": "#b8860b", "其他对口支援": "#7f8c8d"};

  function regionUrl(code) { return code ? "/regions/" + encodeURIComponent(code) : null; }

  function drawMap(geo) {
    echarts.registerMap("china", geo);
    var chart = echarts.init(document.getElementById("map"));
    chart.setOption({
      tooltip: {
        trigger: "item",
        formatter: function (p) {
          var d = p.data || {};
          if (p.seriesType === "lines") {
            return echarts.format.encodeHTML(d.donor + " → " + d.recipient) + "<br>" +
              echarts.format.encodeHTML((d.programmes || []).join("、")) + "：" + d.count + " 对";
          }
          return echarts.format.encodeHTML(p.name || "");
        }
      },
      geo: {
        map: "china", roam: true, zoom: 1.15, center: [104, 36],
        itemStyle: { areaColor: "#eef2f5", borderColor: "#9aa7b1" },
        emphasis: { itemStyle: { areaColor: "#dde6ec" }, label: { show: false } },
        label: { show: false }
      },
      series: [
        {
          name: "flows", type: "lines", coordinateSystem: "geo", zlevel: 1,
          effect: { show: true, period: 6, trailLength: 0, symbol: "arrow", symbolSize: 6 },
          lineStyle: { color: "#c0392b", width: 1, opacity: 0.45, curveness: 0.2 },
          data: data.lines.map(function (l) {
            return { coords: [l.from, l.to], donor: l.donor, recipient: l.recipient,
                     count: l.count, programmes: l.programmes,
                     lineStyle: { width: Math.min(1 + Math.log2(l.count), 5),
                                  color: COLOURS[(l.programmes || [])[0]] || "#c0392b" } };
          })
        },
        {
          name: "regions", type: "scatter", coordinateSystem: "geo", zlevel: 2,
          symbolSize: function (v) { return 4 + Math.min(v[2], 8); },
          label: { show: data.points.length <= 40, position: "right", formatter: "{b}", fontSize: 11 },
          itemStyle: { color: function (p) { return p.data.role === "donor" ? "#2c7fb8" : "#c0392b"; } },
          data: data.points
        }
      ]
    });
    chart.on("click", function (p) {
      if (p.seriesName === "regions" && p.data && regionUrl(p.data.code)) { window.location.href = regionUrl(p.data.code); }
    });
    // "finished" never fires while the flow effect animates: the first frame drawn is enough
    chart.on("rendered", function () { body.dataset.map = "ready"; });
    window.addEventListener("resize", function () { chart.resize(); });
  }

  function drawSankey() {
    var chart = echarts.init(document.getElementById("sankey"));
    var strip = function (name) { return name.slice(2); };
    chart.setOption({
      tooltip: {
        trigger: "item",
        formatter: function (p) {
          if (p.dataType === "edge") {
            return echarts.format.encodeHTML(strip(p.data.source) + " → " + strip(p.data.target)) + "：" + p.data.value + " 对";
          }
          return echarts.format.encodeHTML(strip(p.name));
        }
      },
      series: [{
        type: "sankey", left: 8, right: 90, top: 8, bottom: 8, nodeGap: 6,
        emphasis: { focus: "adjacency" },
        label: { formatter: function (p) { return strip(p.name); }, fontSize: 11 },
        lineStyle: { color: "gradient", opacity: 0.4 },
        data: data.sankey.nodes, links: data.sankey.links
      }]
    });
    chart.on("finished", function () { body.dataset.sankey = "ready"; });
    window.addEventListener("resize", function () { chart.resize(); });
  }

  function drawLegend() {
    var used = {};
    data.lines.forEach(function (l) { (l.programmes || []).slice(0, 1).forEach(function (p) { used[p] = true; }); });
    var legend = document.getElementById("legend");
    Object.keys(COLOURS).filter(function (p) { return used[p]; }).forEach(function (p) {
      var item = document.createElement("span");
      var swatch = document.createElement("i");
      swatch.style.background = COLOURS[p];
      item.appendChild(swatch);
      item.appendChild(document.createTextNode(p));
      legend.appendChild(item);
    });
  }

  body.dataset.flows = String(data.lines.length);
  drawLegend();
  drawSankey();
  fetch("/static/vendor/china.json")
    .then(function (r) { return r.json(); })
    .then(drawMap)
    .catch(function (e) { body.dataset.map = "error"; document.getElementById("map").textContent = "地图无法加载：" + e; });
})();
