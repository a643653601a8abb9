import Foundation
import KnotworkCore

// The body pain map: one server-rendered <svg> with a front and a back view whose regions are the
// regions of `BodyRegions.all`, each drawn exactly once. Pure Swift (Foundation and KnotworkCore
// only), deterministic, no inline style or script (the pages run under a strict CSP): colours come
// from the classes in Resources/painmap.css, and every mark is also readable without colour through
// a text label and, for referral and resolved, a fill pattern.

/// How one region is marked on a map.
struct RegionMark: Sendable, Equatable {
    enum Kind: Sendable, Equatable {
        case pain(intensity: Int), new(intensity: Int), resolved, better(delta: Int), worse(delta: Int), unchanged, referral, triggerPoint(count: Int)
    }

    var kind: Kind
    /// Short text for the region's <title>, e.g. "Left calf: 6/10, aching, constant".
    var label: String
}

enum BodyMapSVG {
    static let width = 600.0
    static let height = 560.0

    /// One <svg> with the front and back views side by side (labelled "Front" and "Back"), viewBox 0 0 600 560.
    /// `marks` is keyed by region code (`BodyRegion.code`); codes that are not regions are ignored.
    /// `linkPrefix`: when non-nil every region is an <a href="\(linkPrefix)\(code)" data-region-link="\(code)">
    /// (e.g. "#mark-") so a click or tap jumps to that region's row of the equivalent form; painmap.js also
    /// opens and focuses the row. `title`/`description` become <title>/<desc> referenced by aria-labelledby.
    /// `idPrefix` prefixes every id in the output (regions, patterns, title) so two maps can share a page.
    static func render(marks: [String: [RegionMark]], title: String, description: String, linkPrefix: String?, idPrefix: String) -> String {
        let p = escapeXML(idPrefix)
        let labelledBy = description.isEmpty ? "\(p)title" : "\(p)title \(p)desc"
        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"bodymap\" viewBox=\"0 0 \(num(width)) \(num(height))\" width=\"100%\""
        // Links inside a role="img" would be hidden from assistive technology.
        out += " role=\"\(linkPrefix == nil ? "img" : "group")\" aria-labelledby=\"\(labelledBy)\">"
        out += "<title id=\"\(p)title\">\(escapeXML(title))</title>"
        if !description.isEmpty { out += "<desc id=\"\(p)desc\">\(escapeXML(description))</desc>" }
        out += "<defs>"
        out += "<pattern id=\"\(p)hatch\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\">"
        out += "<line class=\"pattern-hatch\" x1=\"1\" y1=\"0\" x2=\"1\" y2=\"6\" stroke=\"#4a2377\" stroke-width=\"1.6\"/></pattern>"
        out += "<pattern id=\"\(p)dots\" width=\"5\" height=\"5\" patternUnits=\"userSpaceOnUse\">"
        out += "<circle class=\"pattern-dots\" cx=\"2.5\" cy=\"2.5\" r=\"1.1\" fill=\"#1d5b2a\"/></pattern>"
        out += "</defs>"

        var overlays = ""
        var labels = ""
        for figure in Self.figures {
            let cx = figure.centre
            out += "<g class=\"view view-\(figure.view.rawValue)\">"
            out += "<text class=\"view-name\" x=\"\(num(cx - 142))\" y=\"20\" font-size=\"16\" font-weight=\"700\" fill=\"#1b1f24\">\(figure.name)</text>"
            // Which side is which: on the front view the patient's left is on the viewer's right.
            let (minusSide, plusSide) = figure.positiveSide == .left ? (Side.right, Side.left) : (Side.left, Side.right)
            out += "<text class=\"side-name\" x=\"\(num(cx - 84))\" y=\"56\" text-anchor=\"middle\" font-size=\"13\" fill=\"#4a5561\" aria-hidden=\"true\">\(minusSide.label)</text>"
            out += "<text class=\"side-name\" x=\"\(num(cx + 84))\" y=\"56\" text-anchor=\"middle\" font-size=\"13\" fill=\"#4a5561\" aria-hidden=\"true\">\(plusSide.label)</text>"
            for note in figure.notes {
                out += "<text class=\"side-name\" x=\"\(num(cx + note.at.x))\" y=\"\(num(note.at.y))\" text-anchor=\"middle\" font-size=\"12\" fill=\"#4a5561\" aria-hidden=\"true\">\(escapeXML(note.text))</text>"
            }
            for shape in figure.under {
                out += "<path class=\"silhouette\" d=\"\(shape.d(cx))\" fill=\"#dfe4ea\" stroke=\"#59636e\" aria-hidden=\"true\"/>"
            }
            for drawn in figure.regions {
                let code = drawn.region.code
                let regionMarks = (marks[code] ?? []).enumerated()
                    .sorted { ($0.element.kind.rank, $0.offset) < ($1.element.kind.rank, $1.offset) }
                    .map(\.element)
                var classes = ["region"]
                if !regionMarks.isEmpty {
                    classes.append("marked")
                    classes.append(contentsOf: Set(regionMarks.flatMap(\.kind.classes)).sorted())
                }
                let name = drawn.region.name
                let said = regionMarks.map(\.label).filter { !$0.isEmpty }.joined(separator: "; ")
                let tip = said.isEmpty ? name : (said.hasPrefix(name) ? said : "\(name): \(said)")
                let d = drawn.d
                let path = "<path class=\"\(classes.joined(separator: " "))\" data-region=\"\(escapeXML(code))\" id=\"\(p)\(escapeXML(code))\" d=\"\(d)\" fill=\"#eef1f4\" stroke=\"#59636e\""
                if let linkPrefix {
                    // The link's own <title> is its accessible name and tooltip.
                    out += "<a href=\"\(escapeXML(linkPrefix + code))\" data-region-link=\"\(escapeXML(code))\">"
                    out += "<title>\(escapeXML(tip))</title>\(path)/></a>"
                } else {
                    out += "\(path)><title>\(escapeXML(tip))</title></path>"
                }
                guard !regionMarks.isEmpty else { continue }
                for pattern in Set(regionMarks.compactMap(\.kind.pattern)).sorted() {
                    overlays += "<path class=\"overlay overlay-\(pattern)\" d=\"\(d)\" fill=\"url(#\(p)\(pattern))\" stroke=\"none\"/>"
                }
                // One line per token, stacked about the centre, so that narrow regions keep their labels inside.
                let tokens = regionMarks.flatMap(\.kind.tokens)
                if !tokens.isEmpty {
                    let at = drawn.labelAt
                    let x = num(at.x)
                    labels += "<text x=\"\(x)\" y=\"\(num(at.y))\">"
                    for (i, token) in tokens.enumerated() {
                        let dy = i == 0 ? String(format: "%.2fem", 0.35 - 0.5 * Double(tokens.count - 1)) : "1em"
                        labels += "<tspan x=\"\(x)\" dy=\"\(dy)\">\(escapeXML(token))</tspan>"
                    }
                    labels += "</text>"
                }
            }
            for shape in figure.over {
                out += "<path class=\"decor\" d=\"\(shape.d(cx))\" fill=\"\(shape.closed ? "#59636e" : "none")\" stroke=\"#59636e\" stroke-width=\"\(shape.closed ? "0" : "0.8")\" pointer-events=\"none\" aria-hidden=\"true\"/>"
            }
            out += "</g>"
        }
        if !overlays.isEmpty || !labels.isEmpty {
            out += "<g class=\"marks\" pointer-events=\"none\" aria-hidden=\"true\">\(overlays)"
            out += "<g class=\"mark-label\" text-anchor=\"middle\" font-size=\"11\" font-weight=\"700\" fill=\"#111\" stroke=\"#fff\" stroke-width=\"3\" stroke-linejoin=\"round\" paint-order=\"stroke\">\(labels)</g></g>"
        }
        out += "</svg>"
        return out
    }

    /// The key to the marks of the given kinds, as an HTML <ul class="bodymap-legend">: one item per kind
    /// of mark (all pain intensities are one item), in a fixed order. Empty string when `kinds` is empty.
    static func legend(kinds: [RegionMark.Kind]) -> String {
        let present = Set(kinds.map(\.rank))
        guard !present.isEmpty else { return "" }
        let items: [(rank: Int, swatch: String, sample: String, text: String)] = [
            (0, "pain", "6", "Pain intensity 0–10 (the number; darker shading is stronger)"),
            (1, "new", "new 6", "New since the last visit, with its intensity (dashed outline)"),
            (2, "worse", "+2", "Worse: intensity up by the number"),
            (3, "better", "−2", "Better: intensity down by the number"),
            (4, "unchanged", "=", "Unchanged"),
            (5, "resolved", "gone", "Resolved (dotted)"),
            (6, "referral", "", "Referred pain (hatched)"),
            (7, "tp", "TP", "Trigger point (×2 and up: how many)"),
        ]
        var out = "<ul class=\"bodymap-legend\">"
        for item in items where present.contains(item.rank) {
            out += "<li><span class=\"swatch swatch-\(item.swatch)\" aria-hidden=\"true\">\(escapeXML(item.sample))</span> \(escapeXML(item.text))</li>"
        }
        return out + "</ul>"
    }

    /// Every region code the drawing holds, in drawing order (for tests: each region of `BodyRegions.all` once).
    static var drawnRegionCodes: [String] { Self.figures.flatMap { $0.regions.map(\.region.code) } }
}

// MARK: - Marks

extension RegionMark.Kind {
    /// Order of the marks in a region's classes and label: the intensity first, trigger points and referral last.
    fileprivate var rank: Int {
        switch self {
        case .pain: 0
        case .new: 1
        case .worse: 2
        case .better: 3
        case .unchanged: 4
        case .resolved: 5
        case .referral: 6
        case .triggerPoint: 7
        }
    }

    fileprivate var classes: [String] {
        switch self {
        case .pain(let i): ["pain", "pain-\(min(max(i, 0), 10))"]
        case .new(let i): ["new", "pain", "pain-\(min(max(i, 0), 10))"]
        case .resolved: ["resolved"]
        case .better: ["better"]
        case .worse: ["worse"]
        case .unchanged: ["unchanged"]
        case .referral: ["referral"]
        case .triggerPoint: ["tp"]
        }
    }

    /// The lines of text drawn at the region's centre: they carry the mark for readers who cannot tell the colours apart.
    /// `better`/`worse` show the size of the change with the sign of the change in intensity, whatever the sign of `delta`.
    fileprivate var tokens: [String] {
        switch self {
        case .pain(let i): ["\(min(max(i, 0), 10))"]
        case .new(let i): ["new", "\(min(max(i, 0), 10))"]
        case .resolved: ["gone"]
        case .better(let d): ["\u{2212}\(abs(d))"]
        case .worse(let d): ["+\(abs(d))"]
        case .unchanged: ["="]
        case .referral: []
        case .triggerPoint(let n): [n > 1 ? "TP×\(n)" : "TP"]
        }
    }

    /// The fill pattern (a <defs> id suffix) laid over the region.
    fileprivate var pattern: String? {
        switch self {
        case .referral: "hatch"
        case .resolved: "dots"
        default: nil
        }
    }
}

// MARK: - Text

/// Escapes text and attribute values for XML and HTML, and drops the control characters XML forbids
/// (the SVG renderers' one escape; HTML pages use `esc`).
func escapeXML(_ s: String) -> String {
    var out = ""
    out.reserveCapacity(s.utf8.count)
    for u in s.unicodeScalars {
        switch u {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        case "'": out += "&#39;"
        case "\t", "\n", "\r": out.unicodeScalars.append(u)
        default:
            if u.value < 0x20 || u.value == 0xFFFE || u.value == 0xFFFF { continue }
            out.unicodeScalars.append(u)
        }
    }
    return out
}

/// A coordinate with at most one decimal, never "-0".
private func num(_ v: Double) -> String {
    let tenths = Int((v * 10).rounded())
    let sign = tenths < 0 ? "-" : ""
    let a = abs(tenths)
    return a % 10 == 0 ? "\(sign)\(a / 10)" : "\(sign)\(a / 10).\(a % 10)"
}

// MARK: - Drawing

/// A point in a figure's own coordinates: x from the body's midline (positive to the viewer's right), y from the top.
private struct Pt: Sendable {
    var x: Double
    var y: Double
}

/// A polygon given as flat x, y pairs. A paired area's polygon is drawn on the viewer's right half
/// (x ≥ 0) and mirrored for the other side; a midline area's polygon is the whole shape.
private struct Part: Sendable {
    var area: String
    var xy: [Double]
    var label: Pt?

    init(_ area: String, _ xy: [Double], label: Pt? = nil) {
        self.area = area
        self.xy = xy
        self.label = label
    }

    var points: [Pt] { stride(from: 0, to: self.xy.count - 1, by: 2).map { Pt(x: self.xy[$0], y: self.xy[$0 + 1]) } }
}

/// A non-interactive line or shape: mirrored when `paired`.
private struct Decor: Sendable {
    var xy: [Double]
    var closed: Bool
    var paired: Bool

    init(_ xy: [Double], closed: Bool = false, paired: Bool = true) {
        self.xy = xy
        self.closed = closed
        self.paired = paired
    }

    func d(_ cx: Double) -> String {
        let pts = stride(from: 0, to: self.xy.count - 1, by: 2).map { Pt(x: self.xy[$0], y: self.xy[$0 + 1]) }
        let one = pathData(pts, cx: cx, closed: self.closed)
        return self.paired ? one + " " + pathData(pts.map { Pt(x: -$0.x, y: $0.y) }, cx: cx, closed: self.closed) : one
    }
}

private func pathData(_ pts: [Pt], cx: Double, closed: Bool) -> String {
    guard let first = pts.first else { return "" }
    var d = "M\(num(cx + first.x)),\(num(first.y))"
    for q in pts.dropFirst() { d += " \(num(cx + q.x)),\(num(q.y))" }
    return closed ? d + "Z" : d
}

/// A region as it is drawn: absolute path data and where its mark label goes.
private struct DrawnRegion: Sendable {
    var region: BodyRegion
    var d: String
    var labelAt: Pt
}

private struct Figure: Sendable {
    var view: BodyView
    var name: String
    var centre: Double
    /// The patient's side drawn at x ≥ 0 (the viewer's right).
    var positiveSide: Side
    var regions: [DrawnRegion]
    var under: [Decor]
    var over: [Decor]
    var notes: [(text: String, at: Pt)]

    init(_ view: BodyView, name: String, centre: Double, positiveSide: Side, parts: [Part], under: [Decor] = [], over: [Decor] = [], notes: [(text: String, at: Pt)] = []) {
        self.view = view
        self.name = name
        self.centre = centre
        self.positiveSide = positiveSide
        self.under = under
        self.over = over
        self.notes = notes
        let byArea = Dictionary(parts.map { ($0.area, $0) }, uniquingKeysWith: { a, _ in a })
        // Drawing (and so keyboard) order is the order of `BodyRegions.all`; a region without a part is not drawn.
        self.regions = BodyRegions.all.filter { $0.bodyArea.view == view }.compactMap { region in
            guard let part = byArea[region.area] else { return nil }
            let mirror = region.side != nil && region.side != positiveSide
            let pts = mirror ? part.points.map { Pt(x: -$0.x, y: $0.y) } : part.points
            var at = part.label ?? centroid(part.points)
            if mirror { at.x = -at.x }
            return DrawnRegion(region: region, d: pathData(pts, cx: centre, closed: true), labelAt: Pt(x: centre + at.x, y: at.y))
        }
    }
}

/// The area centroid of a simple polygon (the mean of its points when it has no area).
private func centroid(_ pts: [Pt]) -> Pt {
    var a = 0.0, cx = 0.0, cy = 0.0
    for (i, p) in pts.enumerated() {
        let q = pts[(i + 1) % pts.count]
        let cross = p.x * q.y - q.x * p.y
        a += cross
        cx += (p.x + q.x) * cross
        cy += (p.y + q.y) * cross
    }
    guard abs(a) > 1e-9 else {
        return Pt(x: pts.map(\.x).reduce(0, +) / Double(max(pts.count, 1)), y: pts.map(\.y).reduce(0, +) / Double(max(pts.count, 1)))
    }
    return Pt(x: cx / (3 * a), y: cy / (3 * a))
}

extension BodyMapSVG {
    // Both views share one silhouette: head 8–95, shoulders at 126, crotch at 316, soles at 554; arms hang
    // slightly away from the body, palms forward (anatomical position), so the thumb is on the outer side in both views.
    // Coordinates are the viewer's right half of each figure, x from the midline.

    // Arm and hand outlines shared by the two views.
    private static let wrist: [Double] = [82, 322, 100, 320, 102, 336, 84, 338]
    private static let thumb: [Double] = [104, 346, 110, 350, 115, 358, 118, 368, 118, 377, 115, 381, 111, 377, 108, 369, 106, 373]
    private static let fingerTips: [Double] = [107, 388, 105, 403, 101, 406, 96, 405]
    private static let littleFinger: [Double] = [90, 406, 85, 404, 81, 396, 79, 385, 81, 373]
    private static let handLines = [Decor([88, 385, 87.5, 403]), Decor([100.5, 385, 100.5, 404])]

    fileprivate static let figures: [Figure] = [
        Figure(.front, name: "Front", centre: 150, positiveSide: .left, parts: [
            Part("forehead", [0, 8, 10, 9, 19, 12, 26, 17, 31, 24, 24, 33, 22, 44, 15, 42.5, 7, 43, 0, 44.5]),
            Part("temple", [31, 24, 34.5, 32, 36, 41, 36.5, 50, 36, 58, 35.3, 64, 22, 64, 22, 44, 24, 33]),
            Part("eye", [0, 44.5, 7, 43, 15, 42.5, 22, 44, 22, 64, 0, 64], label: Pt(x: 11, y: 60.5)),
            Part("jaw", [0, 64, 22, 64, 35.3, 64, 33, 74, 30, 81, 25, 87, 19, 91, 14, 93, 11, 94, 0, 95]),
            Part("throat", [-14, 93, -11, 94, 0, 95, 11, 94, 14, 93, 15, 104, 16, 115, 9, 121, 0, 123, -9, 121, -16, 115, -15, 104]),
            Part("sternum", [0, 123, 9, 121, 9, 204, 0, 210, -9, 204, -9, 121]),
            Part("chest", [9, 121, 16, 115, 30, 119, 46, 123, 55, 126, 51, 146, 52, 166, 45, 171, 40, 186, 37, 204, 36, 220, 26, 212, 9, 204]),
            Part("chest-lateral", [52, 166, 53, 185, 51, 205, 49, 222, 36, 220, 37, 204, 40, 186, 45, 171]),
            Part("abdomen", [0, 210, 9, 204, 26, 212, 36, 220, 49, 222, 47, 240, 46, 252, 48, 264, 42, 276, 20, 281, 0, 283]),
            Part("groin", [0, 283, 20, 281, 42, 276, 30, 294, 16, 306, 4, 316, 0, 316], label: Pt(x: 18, y: 292)),
            Part("shoulder-front", [55, 126, 62, 128, 70, 133, 76, 142, 79, 155, 80, 170, 54, 176, 52, 166, 51, 146]),
            Part("arm-front", [54, 176, 80, 170, 82, 190, 85, 212, 88, 234, 75, 235, 62, 236]),
            Part("elbow-lateral", [75, 235, 88, 234, 90, 247, 91, 260, 78.5, 260]),
            Part("elbow-medial", [62, 236, 75, 235, 78.5, 260, 66, 260, 64, 248]),
            Part("forearm-volar", [66, 260, 78.5, 260, 91, 260, 96, 290, 100, 320, 82, 322, 72, 290]),
            Part("wrist-volar", wrist),
            Part("palm", [84, 338, 102, 336, 104, 346, 105, 372, 95, 374, 81, 373, 79, 356], label: Pt(x: 92, y: 357)),
            Part("hand-radial", thumb + fingerTips + [95, 390, 95, 374, 105, 372], label: Pt(x: 101, y: 392)),
            Part("hand-ulnar", [95, 374, 95, 390, 96, 405] + littleFinger, label: Pt(x: 88, y: 392)),
            Part("hip-lateral", [48, 264, 55, 280, 59, 296, 60, 312, 60, 326, 48, 324, 44, 300, 42, 276]),
            Part("thigh-front", [42, 276, 44, 300, 48, 324, 47, 350, 44, 380, 42, 404, 25, 404, 23, 370, 20, 340, 16, 306, 30, 294]),
            Part("thigh-medial", [16, 306, 20, 340, 23, 370, 25, 404, 17, 404, 13, 370, 8, 340, 4, 316]),
            Part("thigh-lateral", [48, 324, 60, 326, 58, 350, 54, 380, 50, 404, 42, 404, 44, 380, 47, 350]),
            Part("knee-front", [17, 404, 25, 404, 42, 404, 50, 404, 48, 420, 46, 438, 34, 438, 20, 438, 19, 420]),
            Part("shin", [20, 438, 34, 438, 35, 460, 32, 506, 22, 506, 20, 480, 19, 455]),
            Part("leg-lateral", [34, 438, 46, 438, 48, 455, 45, 480, 38, 506, 32, 506, 35, 460]),
            Part("ankle", [22, 506, 32, 506, 38, 506, 40, 514, 41, 522, 40, 528, 21, 528, 20, 518]),
            Part("foot-top", [21, 528, 40, 528, 46, 536, 50, 546, 47, 554, 17, 554, 15, 546, 18, 536]),
        ], under: [
            Decor([36.5, 48, 40, 46, 42.5, 50, 42.5, 60, 40, 66, 35.8, 67], closed: true),   // ears
        ], over: [
            Decor([5, 54, 11, 51.5, 17, 54, 11, 56.5], closed: true),   // eyes
            Decor([4, 47.5, 11, 46, 18, 47.5]),   // brows
            Decor([-3, 70, 0, 71.5, 3, 70], paired: false),   // nose
            Decor([-8, 81, 0, 83, 8, 81], paired: false),   // mouth
            Decor([26, 548, 26, 554]), Decor([33, 548, 33, 554]), Decor([40, 548, 40, 554]),   // toes
        ] + handLines),
        Figure(.back, name: "Back", centre: 450, positiveSide: .right, parts: [
            Part("vertex", [-26, 17, -19, 12, -10, 9, 0, 8, 10, 9, 19, 12, 26, 17, 18, 26, 0, 29, -18, 26]),
            Part("occiput", [0, 29, 18, 26, 26, 17, 31, 24, 34.5, 32, 35.9, 40, 29, 40, 27, 56, 29, 72, 33, 74, 29, 82, 22, 88, 16, 91, 0, 93]),
            Part("ear", [29, 40, 35.9, 40, 40, 42, 44, 47, 45, 55, 44, 63, 40, 71, 33, 74, 29, 72, 27, 56]),
            Part("neck-back", [0, 93, 16, 91, 16, 104, 16, 115, 0, 119]),
            Part("shoulder-top", [16, 115, 30, 119, 46, 123, 55, 126, 62, 128, 60, 136, 44, 134, 22, 134]),
            Part("shoulder-back", [60, 136, 62, 128, 70, 133, 76, 142, 79, 155, 80, 170, 54, 176, 52, 166, 56, 150]),
            Part("scapula", [22, 134, 44, 134, 60, 136, 56, 150, 52, 166, 48, 180, 34, 200, 26, 194, 20, 170]),
            Part("interscapular", [0, 119, 16, 115, 22, 134, 20, 170, 26, 194, 0, 198]),
            Part("midback", [0, 198, 26, 194, 34, 200, 48, 180, 52, 166, 53, 185, 51, 205, 49, 222, 47, 240, 0, 242]),
            Part("lowback", [0, 242, 47, 240, 46, 252, 48, 264, 50.6, 270, 32, 266, 14, 268, 0, 268]),
            Part("sacroiliac", [14, 268, 32, 266, 34, 284, 22, 294, 10, 290]),
            Part("sacrum", [-14, 268, 0, 268, 14, 268, 10, 290, 4, 308, 0, 314, -4, 308, -10, 290]),
            Part("buttock", [10, 290, 22, 294, 34, 284, 32, 266, 50.6, 270, 55, 280, 59, 296, 60, 312, 60, 326, 52, 332, 36, 334, 20, 332, 4, 325, 0, 320, 0, 314, 4, 308]),
            Part("arm-back", [54, 176, 80, 170, 82, 190, 85, 212, 88, 234, 90, 247, 64, 248, 62, 236]),
            Part("forearm-dorsal", [64, 248, 90, 247, 91, 260, 96, 290, 100, 320, 82, 322, 72, 290, 66, 260]),
            Part("wrist-dorsal", wrist),
            Part("hand-dorsal", [84, 338, 102, 336] + thumb + fingerTips + littleFinger + [79, 356], label: Pt(x: 93, y: 362)),
            Part("thigh-back", [4, 325, 20, 332, 36, 334, 52, 332, 60, 326, 58, 350, 54, 380, 50, 404, 17, 404, 13, 370, 8, 340]),
            Part("knee-back", [17, 404, 50, 404, 48, 420, 46, 438, 20, 438, 19, 420]),
            Part("calf", [20, 438, 46, 438, 48, 455, 45, 480, 38, 506, 22, 506, 20, 480, 19, 455]),
            Part("heel", [22, 506, 38, 506, 40, 514, 41, 522, 42, 532, 40, 542, 32, 546, 22, 544, 19, 534, 20, 518]),
            // The sole as if the knee were bent and the foot lifted behind: heel up, big toe towards the midline.
            Part("sole", [84, 446, 90, 448, 93, 454, 94, 464, 95, 478, 97, 494, 100, 508, 101, 520, 100, 528, 97, 534, 93, 539, 88, 543,
                          82, 547, 76, 550, 71, 548, 68, 541, 68, 528, 70, 517, 73, 505, 75, 490, 74, 475, 73, 462, 74, 453, 78, 448], label: Pt(x: 85, y: 500)),
        ], over: [
            Decor([0, 121, 0, 266], paired: false),   // spine
            Decor([95, 385, 95.5, 404]),   // fingers (with handLines)
            Decor([22, 421, 45, 421]),   // knee crease
            Decor([69, 531, 80, 531, 90, 528, 100, 523]),   // base of the toes
            Decor([78, 536, 79, 547]), Decor([85, 535, 86, 544]), Decor([90, 533, 91, 541]), Decor([95, 530, 96, 537]),
        ] + handLines, notes: [
            (text: "Sole", at: Pt(x: -84, y: 438)), (text: "Sole", at: Pt(x: 84, y: 438)),
        ]),
    ]
}
