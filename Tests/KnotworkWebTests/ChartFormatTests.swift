import Foundation
import Testing
@testable import KnotworkStore
@testable import KnotworkWeb

/// The chart's number text is made with integer arithmetic for speed; it must read exactly as printf's would
/// (`%.Nf`, trailing zeros dropped, never "-0").
@Suite struct ChartFormatTests {
    static func printf(_ v: Double, _ d: Int) -> String {
        var s = String(format: "%.\(d)f", v)
        if s.contains(".") {
            while s.hasSuffix("0") { s.removeLast() }
            if s.hasSuffix(".") { s.removeLast() }
        }
        return s == "-0" ? "0" : s
    }

    @Test(arguments: [0, 1, 2, 3, 6])
    func fixedReadsAsPrintf(decimals: Int) {
        var values: [Double] = [0, -0.0, 0.5, 1.5, 2.5, -2.5, 0.125, 2.675, 6.666666666666667, 20.0 / 3, -20.0 / 3, 99.995, 0.004, 1e-7,
                                123_456_789.123, -0.0049, 10, 100, 0.1, 0.2, 0.3]
        var g = SystemRandomNumberGenerator()
        for _ in 0..<2000 { values.append(Double.random(in: -1000...1000, using: &g).rounded(toPlaces: Int.random(in: 0...7, using: &g))) }
        for v in values {
            #expect(ProgressChartSVG.fixed(v, decimals: decimals) == Self.printf(v, decimals), "\(v) with \(decimals) decimals")
        }
    }
}

extension Double {
    func rounded(toPlaces p: Int) -> Double {
        let m = Foundation.pow(10.0, Double(p))
        return (self * m).rounded() / m
    }
}

/// SQLite's text UUIDs are parsed by hand on long reads (Foundation's parser calls `sscanf`); checked against Foundation.
@Suite struct TextUUIDTests {
    @Test func parsingMatchesFoundation() {
        for _ in 0..<2_000 {
            let id = UUID()
            #expect(UUIDColumns.parse(id.uuidString) == id)
            #expect(UUIDColumns.parse(id.uuidString.lowercased()) == id)
        }
    }

    @Test(arguments: ["", "not-a-uuid", "2AEC1C9B-FA4C-4A33-87F7-897E4421068", "2AEC1C9B-FA4C-4A33-87F7-897E442106851",
                      "2AEC1C9BXFA4C-4A33-87F7-897E44210685", "2AEC1C9B-FA4C-4A33-87F7-897E4421068G", "2AEC1C9BFA4C4A3387F7897E44210685"])
    func badTextIsRefused(text: String) {
        #expect(UUIDColumns.parse(text) == nil && UUID(uuidString: text) == nil)
    }
}
