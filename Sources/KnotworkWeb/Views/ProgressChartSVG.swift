import Foundation
import KnotworkCore

// Progress charts (issue 4): a goal's measure over time, a small trend line for the chart header and the pain
// before and after each session. Server-rendered <svg>, pure Swift (Foundation and KnotworkCore only),
// deterministic, no inline style or script (the pages run under a strict CSP): colours come from the `pc-`
// classes in Resources/app.css. Nothing is told by colour alone: lines differ by dash pattern and markers by
// shape, every line carries a written label, the meaningful-change band is hatched, the plateau is shaded and
// bracketed, and `table` gives the same numbers as text. The y axis is always numeric, lowest at the bottom;
// the side that is better is written out ("better ↑" / "better ↓").

enum ProgressChartSVG {
    struct Series: Sendable {
        var label: String
        /// Shown after numbers ("°", "%": attached; other units in the axis title and the accessible names).
        var unit: String
        var points: [ProgressPoint]
        /// The measure's scale (e.g. 0…10): the y axis spans it. nil: the y axis is fitted to the data with padding.
        var range: ClosedRange<Double>?
        var higherIsBetter: Bool
    }

    static let width = 640.0
    static let height = 260.0

    /// A goal's chart, viewBox 0 0 640 260, width="100%": the series as a line with markers (a filled circle for a
    /// measurement taken at a session, labelled S1, S2… on the session row under the dates; an open diamond for one
    /// taken elsewhere), the baseline as a dashed line labelled "Baseline 6", the target as a dotted line labelled
    /// "Target 2", the meaningful-change band as a hatched band labelled "within noise", the plateau window (if any)
    /// shaded between dashed edges under a bracket labelled "plateau", axes with ticks and dates. Points are drawn
    /// in date order (same-day points in their given order, spread a little apart); values outside the y range sit
    /// on its edge as a triangle pointing out, with their value written beside them. `title`/`description` become
    /// <title>/<desc> referenced by aria-labelledby; `idPrefix` prefixes every id so two charts can share a page.
    static func goal(_ series: Series, baseline: Double, target: Double, band: ClosedRange<Double>?,
                     plateau: (from: CalendarDate, to: CalendarDate)?, title: String, description: String, idPrefix: String) -> String {
        let p = esc(idPrefix)
        let points = sortedFinite(series.points)
        var spanned = points.map(\.value) + [baseline, target]
        if let band { spanned += [band.lowerBound, band.upperBound] }
        let ys = YScale(range: series.range, values: spanned, top: Plot.top, bottom: Plot.bottom)
        let days = points.map(\.date.dayNumber)
        let xs = spreadXs(days)
        let xScale = XScale(days: days)

        var out = openSVG(p, classes: "pc-chart pc-goal", title: title, description: description)
        out += "<defs>"
        out += "<pattern id=\"\(p)hatch\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\">"
        out += "<rect class=\"pc-hatch-bg\" width=\"6\" height=\"6\" fill=\"#fff\"/>"
        out += "<line class=\"pc-hatch\" x1=\"1\" y1=\"0\" x2=\"1\" y2=\"6\" stroke=\"#59636e\" stroke-width=\"1.3\"/></pattern>"
        out += "</defs>"
        out += yAxis(ys, unit: series.unit)

        // Plateau window: shaded, edged, bracketed and labelled at the top of the plot.
        // (A window that misses every measurement's date is not drawn.)
        if let plateau, !points.isEmpty, max(plateau.from, plateau.to).dayNumber >= xScale.d0, min(plateau.from, plateau.to).dayNumber <= xScale.d1 {
            let lo = max(min(plateau.from, plateau.to).dayNumber, xScale.d0), hi = min(max(plateau.from, plateau.to).dayNumber, xScale.d1)
            let inside = days.indices.filter { days[$0] >= lo && days[$0] <= hi }.map { xs[$0] }
            var x0 = inside.min() ?? xScale.x(lo), x1 = inside.max() ?? xScale.x(hi)
            x0 = max(x0 - 7, Plot.left + 1)
            x1 = min(x1 + 7, Plot.right - 1)
            if x1 - x0 < 14 { x0 = max(Plot.left + 1, (x0 + x1) / 2 - 7); x1 = min(Plot.right - 1, x0 + 14) }
            out += "<g class=\"pc-plateau\">"
            out += "<rect class=\"pc-plateau-area\" x=\"\(num(x0))\" y=\"\(num(Plot.top))\" width=\"\(num(x1 - x0))\" height=\"\(num(Plot.bottom - Plot.top))\" fill=\"#ededed\"/>"
            out += "<path class=\"pc-plateau-edge\" d=\"M\(num(x0)),\(num(Plot.top)) V\(num(Plot.bottom)) M\(num(x1)),\(num(Plot.top)) V\(num(Plot.bottom))\" fill=\"none\" stroke=\"#1b1f24\" stroke-width=\"0.8\" stroke-dasharray=\"3 3\"/>"
            let by = Plot.top + 3
            out += "<path class=\"pc-plateau-bracket\" d=\"M\(num(x0)),\(num(by + 5)) V\(num(by)) H\(num(x1)) V\(num(by + 5))\" fill=\"none\" stroke=\"#1b1f24\" stroke-width=\"1.2\"/>"
            let text = "plateau"
            let tx = min(max((x0 + x1) / 2, Plot.left + textWidth(text, 11) / 2 + 2), Plot.right - textWidth(text, 11) / 2 - 2)
            out += "<text class=\"pc-plateau-label pc-halo\" x=\"\(num(tx))\" y=\"\(num(by + 14))\" text-anchor=\"middle\" font-size=\"11\" font-weight=\"700\"\(halo)>\(text)</text>"
            out += "</g>"
        }

        // The meaningful-change band: hatched and outlined, the part inside the y range (none when it is all outside).
        var gutter: [GutterLabel] = []
        if let band, band.lowerBound.isFinite, band.upperBound.isFinite {
            let yTop = ys.clamped(band.upperBound).y, yBottom = ys.clamped(band.lowerBound).y
            if yBottom - yTop > 0.5 {
                out += "<rect class=\"pc-band\" x=\"\(num(Plot.left))\" y=\"\(num(yTop))\" width=\"\(num(Plot.right - Plot.left))\" height=\"\(num(yBottom - yTop))\" fill=\"url(#\(p)hatch)\" fill-opacity=\"0.55\" stroke=\"#59636e\" stroke-width=\"0.8\" stroke-dasharray=\"1 2\"/>"
                // The label sits at the band's edge away from the target, clear of the baseline's and target's labels.
                let awayFromTarget = target >= baseline ? yBottom : yTop
                gutter.append(GutterLabel(anchor: awayFromTarget, text: "within noise", kind: .band))
            }
        }
        if baseline.isFinite {
            let b = ys.clamped(baseline)
            out += "<line class=\"pc-baseline\" x1=\"\(num(Plot.left))\" y1=\"\(num(b.y))\" x2=\"\(num(Plot.right))\" y2=\"\(num(b.y))\" stroke=\"#1b1f24\" stroke-width=\"1.6\" stroke-dasharray=\"8 4\"/>"
            gutter.append(GutterLabel(anchor: b.y, text: "Baseline \(valueText(baseline, unit: series.unit))", kind: .baseline, note: b.off.note))
        }
        if target.isFinite {
            let t = ys.clamped(target)
            out += "<line class=\"pc-target\" x1=\"\(num(Plot.left))\" y1=\"\(num(t.y))\" x2=\"\(num(Plot.right))\" y2=\"\(num(t.y))\" stroke=\"#1b1f24\" stroke-width=\"2\" stroke-dasharray=\"0.1 4.5\" stroke-linecap=\"round\"/>"
            gutter.append(GutterLabel(anchor: t.y, text: "Target \(valueText(target, unit: series.unit))", kind: .target, note: t.off.note))
        }
        out += xAxis(days: days, xs: xs, sessions: points.map(\.sessionNumber), scale: xScale)

        // The series.
        let placed = points.indices.map { (x: xs[$0], c: ys.clamped(points[$0].value)) }
        if points.isEmpty {
            out += emptyMessage("No measurements since the baseline yet")
        } else {
            if placed.count > 1 {
                let pts = placed.map { "\(num($0.x)),\(num($0.c.y))" }.joined(separator: " ")
                out += "<polyline class=\"pc-line\" points=\"\(pts)\" fill=\"none\" stroke=\"#1b1f24\" stroke-width=\"2.4\" stroke-linejoin=\"round\" stroke-linecap=\"round\"/>"
            }
            out += "<g class=\"pc-markers\">"
            for (i, q) in placed.enumerated() {
                out += marker(x: q.x, y: q.c.y, off: q.c.off, session: points[i].sessionNumber != nil)
            }
            out += "</g>"
            // Values written on the chart: the latest, and every one that is off the scale.
            var labels = ""
            for (i, q) in placed.enumerated() where q.c.off != .none || i == placed.count - 1 {
                let text = valueText(points[i].value, unit: series.unit)
                let w = textWidth(text, 11.5)
                var x = q.x, anchor = "middle"
                var y = q.c.y - 10
                switch q.c.off {
                case .above: y = q.c.y + 20
                case .below: y = q.c.y - 9
                case .none: if y - 11 < Plot.top + 16 { y = q.c.y + 19 }
                }
                if x + w / 2 > Plot.right - 2 { x = q.x - 6; anchor = "end" }
                if q.c.off != .none { x = q.x + 8; anchor = "start"; if x + w > Plot.right - 2 { x = q.x - 8; anchor = "end" } }
                labels += "<text class=\"pc-value pc-halo\" x=\"\(num(x))\" y=\"\(num(y))\" text-anchor=\"\(anchor)\" font-size=\"11.5\" font-weight=\"700\"\(halo)>\(esc(text))</text>"
            }
            out += labels
        }

        out += gutterLabels(gutter, p: p)

        // Key along the top: the series' marks, and which way is better.
        var key: [KeyItem] = [KeyItem(sample: .seriesLine, text: series.label)]
        if points.contains(where: { $0.sessionNumber == nil }) { key.append(KeyItem(sample: .diamond, text: "between sessions")) }
        if placed.contains(where: { $0.c.off != .none }) { key.append(KeyItem(sample: .triangle, text: "off the scale (value written)")) }
        out += keyRow(key, better: series.higherIsBetter)
        return out + "</svg>"
    }

    /// The text equivalent of `goal`: an HTML <table class="pc-table"> with a caption, the baseline row, then one row
    /// per measurement in date order (date, session, value, change from baseline with "better"/"worse"). Escaped.
    static func table(_ series: Series, baseline: Double, caption: String, id: String) -> String {
        let unit = series.unit.trimmingCharacters(in: .whitespaces)
        var out = "<table class=\"pc-table\" id=\"\(esc(id))\"><caption>\(esc(caption))</caption>"
        out += "<thead><tr><th scope=\"col\">Date</th><th scope=\"col\">Session</th>"
        out += "<th scope=\"col\" class=\"pc-num\">\(esc(unit.isEmpty ? "Value" : "Value (\(unit))"))</th>"
        out += "<th scope=\"col\" class=\"pc-num\">Change from baseline</th></tr></thead><tbody>"
        func shown(_ v: Double) -> String {
            guard let r = series.range, v.isFinite, !r.contains(v) else { return plain(v) }
            return "\(plain(v)) (outside \(plain(r.lowerBound))–\(plain(r.upperBound)))"
        }
        out += "<tr class=\"pc-table-baseline\"><th scope=\"row\">Baseline</th><td>—</td><td class=\"pc-num\">\(esc(shown(baseline)))</td><td class=\"pc-num\">—</td></tr>"
        let points = series.points.enumerated().sorted { ($0.element.date, $0.offset) < ($1.element.date, $1.offset) }.map(\.element)
        if points.isEmpty {
            out += "<tr><td colspan=\"4\">No measurements since the baseline yet.</td></tr>"
        }
        for point in points {
            let value = shown(point.value)
            let session = point.sessionNumber.map { "S\($0)" } ?? "between sessions"
            out += "<tr><th scope=\"row\"><time datetime=\"\(point.date.description)\">\(esc(dateText(point.date, year: true)))</time></th>"
            out += "<td>\(esc(session))</td><td class=\"pc-num\">\(esc(value))</td>"
            out += "<td class=\"pc-num\">\(esc(changeText(point.value - baseline, higherIsBetter: series.higherIsBetter)))</td></tr>"
        }
        return out + "</tbody></table>"
    }

    /// A small trend line for a chart header: the line in a 120 × 32 box with its latest point dotted, and the latest
    /// value written beside it (the whole <svg> is 168 × 32). Its <title> is the accessible name: the title, the
    /// latest value and date, and where the series started.
    static func sparkline(_ series: Series, title: String, idPrefix: String) -> String {
        let p = esc(idPrefix)
        let points = sortedFinite(series.points)
        let box = (left: 3.0, right: 117.0, top: 4.0, bottom: 28.0)
        var name = title
        if let last = points.last, let first = points.first {
            name += ": latest \(spoken(last.value, unit: series.unit)) on \(dateText(last.date, year: true))"
            name += points.count == 1 ? " (1 measurement)" : ", from \(spoken(first.value, unit: series.unit)) on \(dateText(first.date, year: true)) (\(points.count) measurements)"
            name += series.higherIsBetter ? "; higher is better" : "; lower is better"
        } else {
            name += ": no measurements yet"
        }
        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"pc-spark\" viewBox=\"0 0 168 32\" width=\"168\" height=\"32\" role=\"img\" aria-labelledby=\"\(p)title\">"
        out += "<title id=\"\(p)title\">\(esc(name))</title>"
        guard let last = points.last else {
            out += "<line class=\"pc-spark-none\" x1=\"\(num(box.left))\" y1=\"16\" x2=\"\(num(box.right))\" y2=\"16\" stroke=\"#8a96a3\" stroke-width=\"1\" stroke-dasharray=\"2 3\"/>"
            out += "<text class=\"pc-spark-value\" x=\"124\" y=\"21\" font-size=\"13\" fill=\"#4a5561\">—</text></svg>"
            return out
        }
        let values = points.map(\.value)
        var lo = values.min()!, hi = values.max()!
        if let r = series.range, r.upperBound > r.lowerBound, r.lowerBound.isFinite, r.upperBound.isFinite {
            lo = r.lowerBound
            hi = r.upperBound
        } else if hi - lo < 1e-9 {
            lo -= 1
            hi += 1
        } else {
            let pad = (hi - lo) * 0.1
            lo -= pad
            hi += pad
        }
        let days = points.map(\.date.dayNumber)
        let d0 = days.first!, d1 = days.last!
        func x(_ i: Int) -> Double {
            if points.count == 1 { return (box.left + box.right) / 2 }
            // By date; by order when every point is on one day.
            let f = d1 > d0 ? Double(days[i] - d0) / Double(d1 - d0) : Double(i) / Double(points.count - 1)
            return box.left + f * (box.right - box.left)
        }
        func y(_ v: Double) -> Double {
            let f = min(max((v - lo) / (hi - lo), 0), 1)
            return box.bottom - f * (box.bottom - box.top)
        }
        if points.count > 1 {
            let pts = points.indices.map { "\(num(x($0))),\(num(y(values[$0])))" }.joined(separator: " ")
            out += "<polyline class=\"pc-spark-line\" points=\"\(pts)\" fill=\"none\" stroke=\"#1b1f24\" stroke-width=\"1.8\" stroke-linejoin=\"round\" stroke-linecap=\"round\"/>"
        }
        let lx = x(points.count - 1), ly = y(last.value)
        out += "<circle class=\"pc-spark-dot\" cx=\"\(num(lx))\" cy=\"\(num(ly))\" r=\"2.8\" fill=\"#1b1f24\"/>"
        out += "<text class=\"pc-spark-value\" x=\"124\" y=\"21\" font-size=\"13\" font-weight=\"700\" fill=\"#1b1f24\">\(esc(valueText(last.value, unit: series.unit)))</text>"
        return out + "</svg>"
    }

    /// Pain (NRS 0–10) before and after each session, one column per session in date order: an open circle before,
    /// a filled dot after, joined by a line, with the change written beside the pair ("−3"); with at least
    /// `ReliefSettings.standard.minimumSessions` sessions, the least-squares trend of the before values (dashed) and of
    /// the after values (dotted), labelled. Values outside 0–10 sit on the edge as a triangle, with their value written.
    static func relief(_ pairs: [(date: CalendarDate, before: Int, after: Int)], title: String, description: String, idPrefix: String) -> String {
        let p = esc(idPrefix)
        let sessions = pairs.enumerated().sorted { ($0.element.date, $0.offset) < ($1.element.date, $1.offset) }.map(\.element)
        let ys = YScale(range: 0...10, values: [], top: Plot.top, bottom: Plot.bottom)
        let n = sessions.count
        let inner = (left: Plot.left + Plot.inset + 4, right: Plot.right - Plot.inset - 14)
        func x(_ i: Int) -> Double {
            n == 1 ? (inner.left + inner.right) / 2 : inner.left + Double(i) * (inner.right - inner.left) / Double(n - 1)
        }
        var out = openSVG(p, classes: "pc-chart pc-relief", title: title, description: description)
        out += "<defs><clipPath id=\"\(p)plot\"><rect x=\"\(num(Plot.left))\" y=\"\(num(Plot.top))\" width=\"\(num(Plot.right - Plot.left))\" height=\"\(num(Plot.bottom - Plot.top))\"/></clipPath></defs>"
        out += yAxis(ys, unit: "pain 0–10")

        // Dates under each column (thinned when crowded, newest kept), as the goal chart's axis.
        out += "<line class=\"pc-axis\" x1=\"\(num(Plot.left))\" y1=\"\(num(Plot.bottom))\" x2=\"\(num(Plot.right))\" y2=\"\(num(Plot.bottom))\" stroke=\"#59636e\" stroke-width=\"1\"/>"
        var dateLabels: [(x: Double, text: String)] = []
        var lastYear: Int?
        for (i, s) in sessions.enumerated() {
            let text = dateText(s.date, year: s.date.year != lastYear)
            lastYear = s.date.year
            dateLabels.append((x(i), text))
        }
        out += "<g class=\"pc-dates\" font-size=\"10.5\" text-anchor=\"middle\" fill=\"#4a5561\">"
        for label in dateLabels {
            out += "<line class=\"pc-tick\" x1=\"\(num(label.x))\" y1=\"\(num(Plot.bottom))\" x2=\"\(num(label.x))\" y2=\"\(num(Plot.bottom + 4))\" stroke=\"#59636e\" stroke-width=\"1\"/>"
        }
        for label in thin(dateLabels, fontSize: 10.5, keepLast: false) {
            out += "<text class=\"pc-date\" x=\"\(num(label.x))\" y=\"\(num(Plot.bottom + 16))\">\(esc(label.text))</text>"
        }
        out += "</g>"

        var gutter: [GutterLabel] = []
        if n == 0 {
            out += emptyMessage("No pain ratings before and after a session yet")
        } else {
            // Trend lines first, so the markers sit on top.
            if n >= ReliefSettings.standard.minimumSessions {
                for (kind, values) in [(GutterLabel.Kind.trendBefore, sessions.map(\.before)), (.trendAfter, sessions.map(\.after))] {
                    let (a, b) = leastSquares(values.map { Double(min(max($0, 0), 10)) })
                    let y0 = ys.y(a), y1 = ys.y(a + b * Double(n - 1))
                    let dash = kind == .trendBefore ? "9 4" : "0.1 4.5"
                    out += "<line class=\"pc-trend pc-trend-\(kind == .trendBefore ? "before" : "after")\" x1=\"\(num(x(0)))\" y1=\"\(num(y0))\" x2=\"\(num(x(n - 1)))\" y2=\"\(num(y1))\" stroke=\"#59636e\" stroke-width=\"2\" stroke-dasharray=\"\(dash)\" stroke-linecap=\"round\" clip-path=\"url(#\(p)plot)\"/>"
                    gutter.append(GutterLabel(anchor: min(max(y1, Plot.top), Plot.bottom), text: kind == .trendBefore ? "Before, trend" : "After, trend", kind: kind))
                }
            }
            let roomy = n == 1 || (inner.right - inner.left) / Double(n - 1) >= 24
            out += "<g class=\"pc-pairs\">"
            for (i, s) in sessions.enumerated() {
                let cx = x(i)
                let b = ys.clamped(Double(s.before)), a = ys.clamped(Double(s.after))
                if abs(b.y - a.y) > 0.5 {
                    out += "<line class=\"pc-join\" x1=\"\(num(cx))\" y1=\"\(num(b.y))\" x2=\"\(num(cx))\" y2=\"\(num(a.y))\" stroke=\"#1b1f24\" stroke-width=\"2\"/>"
                }
                out += b.off == .none
                    ? "<circle class=\"pc-before\" cx=\"\(num(cx))\" cy=\"\(num(b.y))\" r=\"5.5\" fill=\"#fff\" stroke=\"#1b1f24\" stroke-width=\"2\"/>"
                    : marker(x: cx, y: b.y, off: b.off, session: false)
                out += a.off == .none
                    ? "<circle class=\"pc-after\" cx=\"\(num(cx))\" cy=\"\(num(a.y))\" r=\"3.8\" fill=\"#1b1f24\"/>"
                    : marker(x: cx, y: a.y, off: a.off, session: true)
                if b.off != .none || a.off != .none {
                    let y = b.off == .above || a.off == .above ? Plot.top + 22 : Plot.bottom - 12
                    out += "<text class=\"pc-value pc-halo\" x=\"\(num(cx + 8))\" y=\"\(num(y))\" font-size=\"10.5\"\(halo)>\(esc("\(plain(Double(s.before)))→\(plain(Double(s.after)))"))</text>"
                } else if roomy {
                    let change = s.after - s.before
                    let text = change == 0 ? "0" : change > 0 ? "+\(change)" : "\u{2212}\(-change)"
                    out += "<text class=\"pc-value pc-halo\" x=\"\(num(cx + 7))\" y=\"\(num((b.y + a.y) / 2 + 4))\" font-size=\"10.5\" font-weight=\"700\"\(halo)>\(text)</text>"
                }
            }
            out += "</g>"
        }
        out += gutterLabels(gutter, p: p)
        out += keyRow([KeyItem(sample: .before, text: "before the session"), KeyItem(sample: .after, text: "after")], better: false)
        return out + "</svg>"
    }
}

extension ProgressChartSVG.Series {
    /// A series whose better side follows the measure's direction.
    init(label: String, unit: String, points: [ProgressPoint], range: ClosedRange<Double>?, direction: MeasureDirection) {
        self.init(label: label, unit: unit, points: points, range: range, higherIsBetter: direction == .higherIsBetter)
    }
}

// MARK: - Layout

extension ProgressChartSVG {
    /// The plot area inside the 640 × 260 viewBox: key row above, unit above the y axis, labels of the horizontal
    /// lines in the gutter on the right, dates and sessions below.
    fileprivate enum Plot {
        static let left = 50.0
        static let right = 520.0
        static let top = 42.0
        static let bottom = 196.0
        /// Markers are kept this far inside the axes.
        static let inset = 16.0
        static let gutterX = 524.0
    }

    fileprivate enum Off: Sendable {
        case none, above, below

        var note: String? {
            switch self {
            case .none: nil
            case .above: "off scale ↑"
            case .below: "off scale ↓"
            }
        }
    }

    /// The numeric y axis: the series' range when given, else the data padded and rounded out to whole ticks.
    fileprivate struct YScale {
        var lo: Double
        var hi: Double
        var ticks: [Double]
        var top: Double
        var bottom: Double

        init(range: ClosedRange<Double>?, values: [Double], top: Double, bottom: Double) {
            self.top = top
            self.bottom = bottom
            if let r = range, r.lowerBound.isFinite, r.upperBound.isFinite, r.upperBound > r.lowerBound {
                self.lo = r.lowerBound
                self.hi = r.upperBound
                let step = niceStep((r.upperBound - r.lowerBound) / 5)
                let first = (r.lowerBound / step).rounded(.up)
                let last = (r.upperBound / step).rounded(.down)
                self.ticks = first <= last ? stride(from: first, through: last, by: 1).map { $0 * step } : [r.lowerBound, r.upperBound]
                return
            }
            let finite = values.filter { $0.isFinite && abs($0) < 1e12 }
            var lo = finite.min() ?? 0, hi = finite.max() ?? 10
            if hi - lo < 1e-9 {
                let pad = max(abs(lo) * 0.1, 1)
                lo -= pad
                hi += pad
            } else {
                let pad = (hi - lo) * 0.08
                // Padding never pushes a non-negative measure below zero.
                lo = lo >= 0 ? max(lo - pad, 0) : lo - pad
                hi += pad
            }
            let step = niceStep((hi - lo) / 5)
            let first = (lo / step).rounded(.down), last = (hi / step).rounded(.up)
            self.lo = first * step
            self.hi = last * step
            self.ticks = stride(from: first, through: last, by: 1).map { $0 * step }
        }

        func y(_ v: Double) -> Double { self.bottom - (v - self.lo) / (self.hi - self.lo) * (self.bottom - self.top) }

        /// A value's y, held on the plot's edge when the value is off the scale.
        func clamped(_ v: Double) -> (y: Double, off: Off) {
            if v > self.hi + 1e-9 { return (self.top, .above) }
            if v < self.lo - 1e-9 { return (self.bottom, .below) }
            return (self.y(v), .none)
        }
    }

    /// Dates to x: the first measurement at the plot's left inset, the last at its right inset.
    fileprivate struct XScale {
        var d0: Int
        var d1: Int

        init(days: [Int]) {
            self.d0 = days.min() ?? 0
            self.d1 = days.max() ?? 0
        }

        func x(_ day: Int) -> Double {
            let l = Plot.left + Plot.inset, r = Plot.right - Plot.inset
            guard self.d1 > self.d0 else { return (l + r) / 2 }
            return l + Double(day - self.d0) / Double(self.d1 - self.d0) * (r - l)
        }
    }

    /// x of each point by date; points on the same day are spread apart about their day so that each stays visible.
    fileprivate static func spreadXs(_ days: [Int]) -> [Double] {
        let scale = XScale(days: days)
        var xs = days.map { scale.x($0) }
        let step = min(10, (Plot.right - Plot.left - 2 * Plot.inset) / Double(max(days.count, 1)))
        var i = 0
        while i < days.count {
            var j = i
            while j + 1 < days.count && days[j + 1] == days[i] { j += 1 }
            let count = j - i + 1
            if count > 1 {
                for k in 0..<count { xs[i + k] += (Double(k) - Double(count - 1) / 2) * step }
            }
            i = j + 1
        }
        return xs.map { min(max($0, Plot.left + 5), Plot.right - 5) }
    }

    /// 1, 2, 2.5 or 5 times a power of ten.
    fileprivate static func niceStep(_ raw: Double) -> Double {
        guard raw.isFinite, raw > 0 else { return 1 }
        let mag = pow(10, (log10(raw)).rounded(.down))
        let f = raw / mag
        let nice = f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10
        return nice * mag
    }

    fileprivate static func sortedFinite(_ points: [ProgressPoint]) -> [ProgressPoint] {
        points.enumerated().filter { $0.element.value.isFinite }
            .sorted { ($0.element.date, $0.offset) < ($1.element.date, $1.offset) }.map(\.element)
    }

    /// Intercept and slope of the least-squares line against the index 0, 1, … (as `ImmediateRelief`).
    fileprivate static func leastSquares(_ ys: [Double]) -> (Double, Double) {
        let n = Double(ys.count)
        let meanX = (n - 1) / 2, meanY = ys.reduce(0, +) / n
        var sxy = 0.0, sxx = 0.0
        for (i, y) in ys.enumerated() {
            sxy += (Double(i) - meanX) * (y - meanY)
            sxx += (Double(i) - meanX) * (Double(i) - meanX)
        }
        let b = sxx == 0 ? 0 : sxy / sxx
        return (meanY - b * meanX, b)
    }
}

// MARK: - Parts

extension ProgressChartSVG {
    /// Keeps presentation readable without the stylesheet; app.css sets the same halo.
    fileprivate static let halo = " stroke=\"#fff\" stroke-width=\"3\" stroke-linejoin=\"round\" paint-order=\"stroke\""

    fileprivate static func openSVG(_ p: String, classes: String, title: String, description: String) -> String {
        let labelledBy = description.isEmpty ? "\(p)title" : "\(p)title \(p)desc"
        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"\(classes)\" viewBox=\"0 0 \(num(width)) \(num(height))\" width=\"100%\""
        out += " role=\"img\" aria-labelledby=\"\(labelledBy)\" font-size=\"11\" fill=\"#1b1f24\">"
        out += "<title id=\"\(p)title\">\(esc(title))</title>"
        if !description.isEmpty { out += "<desc id=\"\(p)desc\">\(esc(description))</desc>" }
        return out
    }

    /// Grid lines, tick values and the unit: a symbol ("°", "%") on every tick value, a word above the axis.
    fileprivate static func yAxis(_ ys: YScale, unit: String) -> String {
        var out = "<g class=\"pc-yaxis\">"
        let u = unit.trimmingCharacters(in: .whitespaces)
        let symbol = valueText(0, unit: u) != "0"
        let places = ys.ticks.count > 1 ? decimals(of: ys.ticks[1] - ys.ticks[0]) : 2
        for t in ys.ticks {
            let y = ys.y(t)
            out += "<line class=\"pc-grid\" x1=\"\(num(Plot.left))\" y1=\"\(num(y))\" x2=\"\(num(Plot.right))\" y2=\"\(num(y))\" stroke=\"#e3e8ee\" stroke-width=\"1\"/>"
            out += "<text class=\"pc-tick-label\" x=\"\(num(Plot.left - 6))\" y=\"\(num(y + 3.8))\" text-anchor=\"end\" font-size=\"10.5\" fill=\"#4a5561\">\(esc(plain(t, decimals: places) + (symbol ? u : "")))</text>"
        }
        out += "<line class=\"pc-axis\" x1=\"\(num(Plot.left))\" y1=\"\(num(Plot.top))\" x2=\"\(num(Plot.left))\" y2=\"\(num(Plot.bottom))\" stroke=\"#59636e\" stroke-width=\"1\"/>"
        if !u.isEmpty && !symbol {
            out += "<text class=\"pc-unit\" x=\"4\" y=\"\(num(Plot.top - 10))\" font-size=\"10.5\" fill=\"#4a5561\">\(esc(u))</text>"
        }
        return out + "</g>"
    }

    /// The date axis with its ticks, and the session row (S1, S2 … under the measurements taken at a session).
    fileprivate static func xAxis(days: [Int], xs: [Double], sessions: [Int?], scale: XScale) -> String {
        var out = "<g class=\"pc-xaxis\" fill=\"#4a5561\">"
        out += "<line class=\"pc-axis\" x1=\"\(num(Plot.left))\" y1=\"\(num(Plot.bottom))\" x2=\"\(num(Plot.right))\" y2=\"\(num(Plot.bottom))\" stroke=\"#59636e\" stroke-width=\"1\"/>"
        guard !days.isEmpty else { return out + "</g>" }
        let ticks = dateTicks(from: scale.d0, to: scale.d1).map { (x: scale.x($0.day), text: $0.label) }
        for t in ticks {
            out += "<line class=\"pc-tick\" x1=\"\(num(t.x))\" y1=\"\(num(Plot.bottom))\" x2=\"\(num(t.x))\" y2=\"\(num(Plot.bottom + 5))\" stroke=\"#59636e\" stroke-width=\"1\"/>"
        }
        out += "<g class=\"pc-dates\" font-size=\"10.5\" text-anchor=\"middle\">"
        for t in thin(ticks, fontSize: 10.5, keepLast: false) {
            out += "<text class=\"pc-date\" x=\"\(num(t.x))\" y=\"\(num(Plot.bottom + 17))\">\(esc(t.text))</text>"
        }
        out += "</g>"
        let marked = days.indices.compactMap { i in sessions[i].map { (x: xs[i], text: "S\($0)") } }
        if !marked.isEmpty {
            out += "<g class=\"pc-sessions\" font-size=\"10.5\" text-anchor=\"middle\">"
            out += "<text class=\"pc-session-caption\" x=\"\(num(Plot.left - 6))\" y=\"\(num(Plot.bottom + 36))\" text-anchor=\"end\">Session</text>"
            for m in marked {
                out += "<line class=\"pc-session-tick\" x1=\"\(num(m.x))\" y1=\"\(num(Plot.bottom + 22))\" x2=\"\(num(m.x))\" y2=\"\(num(Plot.bottom + 26))\" stroke=\"#59636e\" stroke-width=\"1\"/>"
            }
            for m in thin(marked, fontSize: 10.5, keepLast: true) {
                out += "<text class=\"pc-session-label\" x=\"\(num(m.x))\" y=\"\(num(Plot.bottom + 36))\">\(esc(m.text))</text>"
            }
            out += "</g>"
        }
        return out + "</g>"
    }

    /// Labels that do not overlap their neighbours: from the first (or, with `keepLast`, from the last) onward.
    fileprivate static func thin(_ labels: [(x: Double, text: String)], fontSize: Double, keepLast: Bool) -> [(x: Double, text: String)] {
        var kept: [(x: Double, text: String)] = []
        let ordered = keepLast ? Array(labels.reversed()) : labels
        for l in ordered {
            if let prev = kept.last, abs(l.x - prev.x) < (textWidth(l.text, fontSize) + textWidth(prev.text, fontSize)) / 2 + 6 { continue }
            kept.append(l)
        }
        return keepLast ? kept.reversed() : kept
    }

    /// A boxed message in the middle of an empty plot (over any band or line).
    fileprivate static func emptyMessage(_ text: String) -> String {
        let w = textWidth(text, 13) + 20, cx = (Plot.left + Plot.right) / 2, cy = (Plot.top + Plot.bottom) / 2
        var out = "<g class=\"pc-empty\">"
        out += "<rect class=\"pc-empty-box\" x=\"\(num(cx - w / 2))\" y=\"\(num(cy - 14))\" width=\"\(num(w))\" height=\"28\" rx=\"4\" fill=\"#fff\" stroke=\"#8a96a3\" stroke-width=\"1\"/>"
        out += "<text class=\"pc-empty-text\" x=\"\(num(cx))\" y=\"\(num(cy + 4.5))\" text-anchor=\"middle\" font-size=\"13\">\(esc(text))</text>"
        return out + "</g>"
    }

    fileprivate static func marker(x: Double, y: Double, off: Off, session: Bool) -> String {
        switch off {
        case .above:
            return "<path class=\"pc-marker pc-off\" d=\"M\(num(x)),\(num(y - 1)) L\(num(x + 6)),\(num(y + 9)) L\(num(x - 6)),\(num(y + 9)) Z\" fill=\"#1b1f24\"/>"
        case .below:
            return "<path class=\"pc-marker pc-off\" d=\"M\(num(x)),\(num(y + 1)) L\(num(x + 6)),\(num(y - 9)) L\(num(x - 6)),\(num(y - 9)) Z\" fill=\"#1b1f24\"/>"
        case .none:
            if session {
                return "<circle class=\"pc-marker pc-session\" cx=\"\(num(x))\" cy=\"\(num(y))\" r=\"4.5\" fill=\"#1b1f24\" stroke=\"#fff\" stroke-width=\"1.2\"/>"
            }
            return "<path class=\"pc-marker pc-between\" d=\"M\(num(x)),\(num(y - 5.5)) L\(num(x + 5.5)),\(num(y)) L\(num(x)),\(num(y + 5.5)) L\(num(x - 5.5)),\(num(y)) Z\" fill=\"#fff\" stroke=\"#1b1f24\" stroke-width=\"1.8\"/>"
        }
    }

    fileprivate struct GutterLabel {
        enum Kind: Int { case target, baseline, band, trendBefore, trendAfter }
        var anchor: Double
        var text: String
        var kind: Kind
        /// A second, smaller line (an off-scale baseline or target).
        var note: String? = nil
        var y = 0.0

        /// Room taken below the first line.
        var extra: Double { self.note == nil ? 0 : 12 }
    }

    /// The labels of the horizontal lines, in the right gutter, each with a sample of its line's pattern; pushed apart
    /// when they would overlap, with a short leader back to the line.
    fileprivate static func gutterLabels(_ labels: [GutterLabel], p: String) -> String {
        guard !labels.isEmpty else { return "" }
        var ls = labels.sorted { ($0.anchor, $0.kind.rawValue) < ($1.anchor, $1.kind.rawValue) }
        let gap = 14.0, lo = Plot.top + 2, hi = Plot.bottom + 8
        for i in ls.indices {
            ls[i].y = min(max(ls[i].anchor, lo), hi)
            if i > 0 { ls[i].y = max(ls[i].y, ls[i - 1].y + gap + ls[i - 1].extra) }
        }
        if let last = ls.indices.last, ls[last].y + ls[last].extra > hi {
            ls[last].y = hi - ls[last].extra
            for i in stride(from: last - 1, through: 0, by: -1) { ls[i].y = min(ls[i].y, ls[i + 1].y - gap - ls[i].extra) }
        }
        var out = "<g class=\"pc-gutter\" font-size=\"11\">"
        let sx = Plot.gutterX + 4
        for l in ls {
            if abs(l.y - l.anchor) > 1 {
                out += "<path class=\"pc-leader\" d=\"M\(num(Plot.right)),\(num(l.anchor)) L\(num(Plot.gutterX)),\(num(l.y))\" fill=\"none\" stroke=\"#8a96a3\" stroke-width=\"0.8\"/>"
            }
            switch l.kind {
            case .baseline:
                out += "<line class=\"pc-baseline\" x1=\"\(num(sx))\" y1=\"\(num(l.y))\" x2=\"\(num(sx + 14))\" y2=\"\(num(l.y))\" stroke=\"#1b1f24\" stroke-width=\"1.6\" stroke-dasharray=\"4 2\"/>"
            case .target:
                out += "<line class=\"pc-target\" x1=\"\(num(sx + 1))\" y1=\"\(num(l.y))\" x2=\"\(num(sx + 14))\" y2=\"\(num(l.y))\" stroke=\"#1b1f24\" stroke-width=\"2\" stroke-dasharray=\"0.1 4.3\" stroke-linecap=\"round\"/>"
            case .band:
                out += "<rect class=\"pc-band\" x=\"\(num(sx))\" y=\"\(num(l.y - 4.5))\" width=\"14\" height=\"9\" fill=\"url(#\(p)hatch)\" stroke=\"#59636e\" stroke-width=\"0.8\"/>"
            case .trendBefore, .trendAfter:
                let dash = l.kind == .trendBefore ? "5 2.5" : "0.1 4.3"
                out += "<line class=\"pc-trend pc-trend-\(l.kind == .trendBefore ? "before" : "after")\" x1=\"\(num(sx + 1))\" y1=\"\(num(l.y))\" x2=\"\(num(sx + 14))\" y2=\"\(num(l.y))\" stroke=\"#59636e\" stroke-width=\"2\" stroke-dasharray=\"\(dash)\" stroke-linecap=\"round\"/>"
            }
            let cls = switch l.kind {
            case .baseline: "pc-label pc-label-baseline"
            case .target: "pc-label pc-label-target"
            case .band: "pc-label pc-label-band"
            case .trendBefore, .trendAfter: "pc-label pc-label-trend"
            }
            let weight = l.kind == .target || l.kind == .baseline ? " font-weight=\"700\"" : ""
            out += "<text class=\"\(cls)\" x=\"\(num(sx + 18))\" y=\"\(num(l.y + 3.8))\"\(weight)>\(esc(fit(l.text, width: width - sx - 20, fontSize: 11)))</text>"
            if let note = l.note {
                out += "<text class=\"pc-label-note\" x=\"\(num(sx + 18))\" y=\"\(num(l.y + 15.5))\" font-size=\"9.5\">\(esc(fit(note, width: width - sx - 20, fontSize: 9.5)))</text>"
            }
        }
        return out + "</g>"
    }

    fileprivate struct KeyItem {
        enum Sample { case seriesLine, diamond, triangle, before, after }
        var sample: Sample
        var text: String
    }

    /// The key along the top, with "better ↑" / "better ↓" at the right above the gutter.
    fileprivate static func keyRow(_ items: [KeyItem], better higherIsBetter: Bool) -> String {
        let y = 15.0
        var out = "<g class=\"pc-key\" font-size=\"11\">"
        var x = 4.0
        let end = Plot.gutterX - 4
        for item in items {
            let sx = x
            switch item.sample {
            case .seriesLine:
                out += "<line class=\"pc-line\" x1=\"\(num(sx))\" y1=\"\(num(y - 4))\" x2=\"\(num(sx + 22))\" y2=\"\(num(y - 4))\" stroke=\"#1b1f24\" stroke-width=\"2.4\"/>"
                out += "<circle class=\"pc-marker pc-session\" cx=\"\(num(sx + 11))\" cy=\"\(num(y - 4))\" r=\"4\" fill=\"#1b1f24\"/>"
                x += 26
            case .diamond:
                out += "<path class=\"pc-marker pc-between\" d=\"M\(num(sx + 5)),\(num(y - 9)) L\(num(sx + 10)),\(num(y - 4)) L\(num(sx + 5)),\(num(y + 1)) L\(num(sx)),\(num(y - 4)) Z\" fill=\"#fff\" stroke=\"#1b1f24\" stroke-width=\"1.6\"/>"
                x += 14
            case .triangle:
                out += "<path class=\"pc-marker pc-off\" d=\"M\(num(sx + 5)),\(num(y - 10)) L\(num(sx + 10)),\(num(y)) L\(num(sx)),\(num(y)) Z\" fill=\"#1b1f24\"/>"
                x += 14
            case .before:
                out += "<circle class=\"pc-before\" cx=\"\(num(sx + 5))\" cy=\"\(num(y - 4))\" r=\"4.5\" fill=\"#fff\" stroke=\"#1b1f24\" stroke-width=\"1.8\"/>"
                x += 14
            case .after:
                out += "<circle class=\"pc-after\" cx=\"\(num(sx + 4))\" cy=\"\(num(y - 4))\" r=\"3.8\" fill=\"#1b1f24\"/>"
                x += 12
            }
            let room = end - x
            guard room > 24 else { break }
            let text = fit(item.text, width: room, fontSize: 11)
            out += "<text class=\"pc-key-label\" x=\"\(num(x))\" y=\"\(num(y))\">\(esc(text))</text>"
            x += textWidth(text, 11) + 14
        }
        out += "<text class=\"pc-better\" x=\"\(num(width - 4))\" y=\"\(num(y))\" text-anchor=\"end\" font-weight=\"700\">\(higherIsBetter ? "better ↑" : "better ↓")</text>"
        return out + "</g>"
    }
}

// MARK: - Text

extension ProgressChartSVG {
    fileprivate static let monthNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// "3 Mar" or "3 Mar 2025".
    fileprivate static func dateText(_ d: CalendarDate, year: Bool) -> String {
        let m = monthNames[min(max(d.month, 1), 12) - 1]
        return year ? "\(d.day) \(m) \(d.year)" : "\(d.day) \(m)"
    }

    /// Date ticks between two day numbers, two to seven of them: every 1, 2, 7 or 14 days from the first date, else the
    /// 1st and 15th of each month, else the 1st of every 1, 2, 3, 6 or 12 months (or years). The year is written on
    /// the first tick and wherever it changes.
    fileprivate static func dateTicks(from d0: Int, to d1: Int) -> [(day: Int, label: String)] {
        guard d1 > d0 else { return [(d0, dateText(CalendarDate(dayNumber: d0), year: true))] }
        func dayLabels(_ days: [Int]) -> [(day: Int, label: String)] {
            var lastYear: Int?
            return days.map { day in
                let c = CalendarDate(dayNumber: day)
                defer { lastYear = c.year }
                return (day, dateText(c, year: c.year != lastYear))
            }
        }
        if let step = [1, 2, 7, 14].first(where: { (d1 - d0) / $0 <= 6 }) {
            return dayLabels(Array(stride(from: d0, through: d1, by: step)))
        }
        let c0 = CalendarDate(dayNumber: d0), c1 = CalendarDate(dayNumber: d1)
        let m0 = c0.year * 12 + c0.month - 1, m1 = c1.year * 12 + c1.month - 1
        if m1 - m0 <= 4 {
            let half = (m0...m1).flatMap { m in [1, 15].compactMap { CalendarDate(year: m / 12, month: m % 12 + 1, day: $0) } }
                .map(\.dayNumber).filter { $0 >= d0 && $0 <= d1 }
            if (2...7).contains(half.count) { return dayLabels(half) }
        }
        for step in [1, 2, 3, 6, 12, 24, 60, 120, 600, 1200] where (m1 - m0) / step <= 7 {
            var out: [(day: Int, label: String)] = []
            var lastYear: Int?
            for m in m0...m1 where m % step == 0 {
                guard let first = CalendarDate(year: m / 12, month: m % 12 + 1, day: 1) else { continue }
                let day = first.dayNumber
                guard day >= d0 && day <= d1 else { continue }
                let name = monthNames[m % 12]
                out.append((day, step >= 12 ? "\(first.year)" : first.year != lastYear ? "\(name) \(first.year)" : name))
                lastYear = first.year
            }
            if (2...7).contains(out.count) { return out }
        }
        return dayLabels([d0, d1])
    }

    /// A value for a label: "6", "2.5", "120°", "−3" (a true minus sign).
    fileprivate static func valueText(_ v: Double, unit: String) -> String {
        let u = unit.trimmingCharacters(in: .whitespaces)
        return u.count == 1 && !u.first!.isLetter ? plain(v) + u : plain(v)
    }

    /// A value for an accessible name: "6 points", "120°".
    fileprivate static func spoken(_ v: Double, unit: String) -> String {
        let u = unit.trimmingCharacters(in: .whitespaces)
        if u.isEmpty { return plain(v) }
        return u.count == 1 && !u.first!.isLetter ? plain(v) + u : "\(plain(v)) \(u)"
    }

    /// Two decimals (more below 1, so that 0.004 stays 0.004), trailing zeros dropped, never "-0", a true minus sign;
    /// `decimals` fixes the count (tick values use their step's). Huge numbers in scientific notation.
    fileprivate static func plain(_ v: Double, decimals: Int? = nil) -> String {
        guard v.isFinite else { return "–" }
        var s: String
        if abs(v) >= 1e9 {
            s = String(format: "%.4g", v)
        } else {
            let auto = abs(v) >= 1 || v == 0 ? 2 : min(6, 2 - Int(log10(abs(v)).rounded(.down)))
            s = Self.fixed(v, decimals: min(6, max(0, decimals ?? auto)))
        }
        return s.replacingOccurrences(of: "-", with: "\u{2212}")
    }

    /// `v` with `decimals` (0–6) decimals, trailing zeros dropped, never "-0", for |v| < 1e9: integer arithmetic rather
    /// than `String(format:)`, which was a tenth of a long chart page's time. Values near a half go to printf.
    static func fixed(_ v: Double, decimals: Int) -> String {
        var scale = 1
        for _ in 0..<decimals { scale *= 10 }
        let scaled = v * Double(scale)
        // Near a half, the product's own rounding can tip the result either way: printf decides those from the exact value.
        if abs(abs(scaled - scaled.rounded(.towardZero)) - 0.5) < 1e-6 {
            var s = String(format: "%.\(decimals)f", v)
            if s.contains(".") {
                while s.hasSuffix("0") { s.removeLast() }
                if s.hasSuffix(".") { s.removeLast() }
            }
            return s == "-0" ? "0" : s
        }
        let n = Int(scaled.rounded(.toNearestOrEven))
        guard n != 0 else { return "0" }
        let a = n.magnitude
        var text = (n < 0 ? "-" : "") + String(a / UInt(scale))
        var fraction = a % UInt(scale), digits = decimals
        while digits > 0 && fraction % 10 == 0 { fraction /= 10; digits -= 1 }
        if digits > 0 {
            let f = String(fraction)
            text += "." + String(repeating: "0", count: digits - f.count) + f
        }
        return text
    }

    /// The decimals a tick step needs (0.25 → 2).
    fileprivate static func decimals(of step: Double) -> Int {
        (0...6).first { d in
            let scaled = step * pow(10, Double(d))
            return abs(scaled - scaled.rounded()) < 1e-6 * max(1, scaled)
        } ?? 6
    }

    /// "−2 (better)", "+1 (worse)", "0 (no change)".
    fileprivate static func changeText(_ d: Double, higherIsBetter: Bool) -> String {
        guard d.isFinite else { return "–" }
        let shown = plain(d)
        if shown == "0" { return "0 (no change)" }
        let better = (d > 0) == higherIsBetter
        return (d > 0 ? "+" : "") + shown + (better ? " (better)" : " (worse)")
    }

    /// A rough text width (no font metrics on the server): enough to keep labels from overlapping.
    fileprivate static func textWidth(_ s: String, _ fontSize: Double) -> Double {
        Double(s.count) * fontSize * 0.58
    }

    /// The text, shortened with "…" to fit a width (by a slightly tighter estimate than `textWidth`).
    fileprivate static func fit(_ s: String, width: Double, fontSize: Double) -> String {
        guard Double(s.count) * fontSize * 0.55 > width else { return s }
        let n = max(Int(width / (fontSize * 0.55)) - 1, 1)
        return String(s.prefix(n)) + "…"
    }

    fileprivate static func esc(_ s: String) -> String { escapeXML(s) }

    /// A coordinate with at most one decimal, never "-0".
    fileprivate static func num(_ v: Double) -> String {
        guard v.isFinite else { return "0" }
        let tenths = Int((v * 10).rounded())
        let sign = tenths < 0 ? "-" : ""
        let a = abs(tenths)
        return a % 10 == 0 ? "\(sign)\(a / 10)" : "\(sign)\(a / 10).\(a % 10)"
    }

}
