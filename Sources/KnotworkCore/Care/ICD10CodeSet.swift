import Foundation

// The full ICD-10-CM code set (CMS, FY2021 on), read once per process from Resources/icd10cm.tsv, which
// scripts/icd10cm/build_codeset.py builds from CMS releases (scripts/icd10cm/SOURCES.md says which). Parsed from
// bytes rather than with String splitting: the file has ~98,000 lines and every test process and the server read it.

/// A set of ICD-10-CM codes sorted by code, indexed for look-up by code and for search by code prefix or words.
public struct ICD10CodeSet: Sendable, RandomAccessCollection {
    /// Sorted by code. With the dot left out the order is the same (the dot always stands fourth), so prefix ranges
    /// hold for typed codes without a dot too.
    public let codes: [ICD10Code]
    /// The code without its dot, in the same order, for prefix search.
    let compact: [String]
    let position: [String: Int]
    /// The descriptions as search words, built at the first word search rather than at load (it is most of the
    /// cost of reading the file, and most processes never search).
    let words: SearchWords
    /// The clinic's short list, ranked first in search among equals.
    public let favourites: Set<String>

    public var startIndex: Int { 0 }
    public var endIndex: Int { self.codes.count }
    public subscript(position: Int) -> ICD10Code { self.codes[position] }

    /// A set from any list (a clinic's own list, a test's): sorted, and the replacements of codes that stopped being
    /// valid derived where the list does not give them.
    public init(_ codes: [ICD10Code], favourites: Set<String> = []) {
        var sorted = codes.sorted { $0.code < $1.code }
        Self.deriveReplacements(&sorted)
        self.init(sorted: sorted, favourites: favourites)
    }

    init(sorted codes: [ICD10Code], favourites: Set<String>) {
        self.codes = codes
        self.favourites = favourites
        var compact: [String] = []
        var position: [String: Int] = [:]
        compact.reserveCapacity(codes.count)
        position.reserveCapacity(codes.count)
        for (i, code) in codes.enumerated() {
            compact.append(String(decoding: code.code.utf8.filter { $0 != UInt8(ascii: ".") }, as: UTF8.self))
            position[code.code] = i
        }
        self.compact = compact
        self.position = position
        self.words = SearchWords()
    }

    /// The code, with its dot and upper case ("M54.50").
    public func code(_ normalized: String) -> ICD10Code? {
        self.position[normalized].map { self.codes[$0] }
    }

    public func isFavourite(_ code: ICD10Code) -> Bool { self.favourites.contains(code.code) }

    /// Positions of the codes whose code starts with the prefix (no dot, upper case), in code order.
    func prefixRange(_ compactPrefix: String) -> Range<Int> {
        guard !compactPrefix.isEmpty else { return 0..<0 }
        var (low, high) = (0, self.compact.count)
        while low < high {
            let mid = (low + high) / 2
            if self.compact[mid] < compactPrefix { low = mid + 1 } else { high = mid }
        }
        var end = low
        while end < self.compact.count, self.compact[end].hasPrefix(compactPrefix) { end += 1 }
        return low..<end
    }

    /// The codes under a code (longer codes starting with it), in code order.
    func descendants(of code: String) -> ArraySlice<ICD10Code> {
        guard let i = self.position[code] else { return [] }
        let range = self.prefixRange(self.compact[i])
        return self.codes[(i + 1)..<range.upperBound]
    }

    /// Codes that list this one as their replacement: the codes to use before it existed (M54.50 → M54.5).
    func predecessors(of code: ICD10Code) -> [String] {
        let compact = code.code.replacingOccurrences(of: ".", with: "")
        var found: [String] = []
        // Replacements are nearly always under the replaced code, so look at the ancestors first.
        for length in stride(from: compact.count - 1, through: 3, by: -1) {
            let prefix = String(compact.prefix(length))
            let dotted = prefix.count > 3 ? String(prefix.prefix(3)) + "." + String(prefix.dropFirst(3)) : prefix
            if let p = self.code(dotted), p.replacedBy.contains(code.code) { found.append(p.code) }
        }
        if found.isEmpty, self.codes.count < 1000 {
            // A short hand-made list may name a replacement outside the code's own category.
            found = self.codes.filter { $0.replacedBy.contains(code.code) }.map(\.code)
        }
        return found
    }

    /// Whether code i's description has, for every query word, a word starting with it.
    func matches(_ i: Int, words: [[UInt8]]) -> Bool {
        let index = self.words.index(self.codes)
        return index.keys.withUnsafeBytes { keys in
            let range = index.starts[i]..<index.starts[i + 1]
            return words.allSatisfy { Self.find($0, in: keys, range) != nil }
        }
    }

    /// Positions of the codes whose description matches every query word, in code order, calling `body` for each
    /// until it returns false. The longest word is looked for through the whole buffer; the others only in its hits.
    func forEachWordMatch(_ words: [[UInt8]], _ body: (Int) -> Bool) {
        guard let anchor = words.max(by: { $0.count < $1.count }) else { return }
        let index = self.words.index(self.codes)
        index.keys.withUnsafeBytes { keys in
            var from = 0
            while from < keys.count, let hit = Self.find(anchor, in: keys, from..<keys.count) {
                // The code whose words hold the hit: the last key start at or before it.
                var (low, high) = (0, self.codes.count)
                while low + 1 < high {
                    let mid = (low + high) / 2
                    if index.starts[mid] <= hit { low = mid } else { high = mid }
                }
                let range = index.starts[low]..<index.starts[low + 1]
                if words.allSatisfy({ Self.find($0, in: keys, range) != nil }), !body(low) { return }
                from = index.starts[low + 1]
            }
        }
    }

    /// The offset of the needle (" word") in buffer[range]. C's memchr and memcmp (through Foundation's import of the
    /// C library) find the word's first letter and compare the rest: a Swift loop over the ~5 MB of words is too
    /// slow in a debug build.
    static func find(_ needle: [UInt8], in buffer: UnsafeRawBufferPointer, _ range: Range<Int>) -> Int? {
        guard let base = buffer.baseAddress, needle.count >= 2, range.count >= needle.count else { return nil }
        return needle.withUnsafeBytes { n -> Int? in
            let first = Int32(needle[1])
            var at = range.lowerBound + 1
            let last = range.upperBound - needle.count + 1  // the last offset the first letter may be at
            while at <= last, let hit = memchr(base + at, first, last - at + 1) {
                let offset = base.distance(to: UnsafeRawPointer(hit))
                if base.load(fromByteOffset: offset - 1, as: UInt8.self) == UInt8(ascii: " "),
                   memcmp(hit, n.baseAddress! + 1, needle.count - 1) == 0 {
                    return offset - 1
                }
                at = offset + 1
            }
            return nil
        }
    }

    /// The search form of a text: each word as " word" (a space before, so it only matches at a word's start).
    static func queryWords(_ text: String) -> [[UInt8]] {
        var bytes: [UInt8] = []
        self.appendWords(of: text, to: &bytes)
        return bytes.split(separator: UInt8(ascii: " ")).map { [UInt8(ascii: " ")] + $0 }
    }

    /// Appends " word word" for a text: ASCII letters lower-cased and digits kept, anything else a word break; text
    /// with other characters is first folded (case, accents, width) as `Text.searchKey` does.
    static func appendWords(of text: String, to out: inout [UInt8]) {
        var text = text
        if text.utf8.contains(where: { $0 >= 0x80 }) { text = Text.searchKey(text) }
        var inWord = false
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"), 0x80...:
                if !inWord { out.append(UInt8(ascii: " ")); inWord = true }
                out.append(byte)
            case UInt8(ascii: "A")...UInt8(ascii: "Z"):
                if !inWord { out.append(UInt8(ascii: " ")); inWord = true }
                out.append(byte + 32)
            default:
                inWord = false
            }
        }
    }

    /// For a code that stops being valid and whose list gives no replacement: the billable codes under it that start
    /// the day after (M54.5 → M54.50, M54.51, M54.59). A 7th-character code with placeholder X's looks under the
    /// code before them, with the same 7th character (S30.1XXA → S30.11XA, S30.12XA, S30.13XA in FY2026).
    /// Otherwise none: a plain deletion has no simple successor.
    static func deriveReplacements(_ codes: inout [ICD10Code]) {
        for i in codes.indices {
            guard let to = codes[i].validTo, codes[i].replacedBy.isEmpty else { continue }
            let next = to.adding(days: 1)
            var base = codes[i].code
            var seventh: Character?
            if base.count == 8, base.dropLast().hasSuffix("X") {
                seventh = base.last
                base = String(base.dropLast())
                while base.hasSuffix("X") { base.removeLast() }
            }
            var low = i
            while low > 0, codes[low - 1].code.hasPrefix(base) { low -= 1 }
            var found: [String] = []
            var j = low
            while j < codes.count, codes[j].code.hasPrefix(base) {
                let c = codes[j]
                if j != i, c.billable, c.validFrom == next, seventh == nil || c.code.last == seventh { found.append(c.code) }
                j += 1
            }
            codes[i].replacedBy = found
        }
    }
}

/// Every code's description as search words: " word word" (lower case, accents folded, other characters as spaces),
/// one after another; code i's words are keys[starts[i]..<starts[i + 1]]. Built once, at first use, under a lock.
final class SearchWords: @unchecked Sendable {
    struct Index {
        let keys: [UInt8]
        let starts: [Int]
    }

    private let lock = NSLock()
    private var built: Index?

    func index(_ codes: [ICD10Code]) -> Index {
        self.lock.lock()
        defer { self.lock.unlock() }
        if let built { return built }
        var keys: [UInt8] = []
        keys.reserveCapacity(codes.count * 64)
        var starts: [Int] = []
        starts.reserveCapacity(codes.count + 1)
        for code in codes {
            starts.append(keys.count)
            ICD10CodeSet.appendWords(of: code.description, to: &keys)
        }
        starts.append(keys.count)
        let index = Index(keys: keys, starts: starts)
        self.built = index
        return index
    }
}

// MARK: - The bundled CMS set

extension ICD10CodeSet {
    /// Where the data came from, for the code's `source`.
    static let cmsSource = "CMS ICD-10-CM (scripts/icd10cm/SOURCES.md)"
    /// The oldest release in the file: a code already in it has no start date (it was in use before our data).
    public static let firstFiscalYear = 2021

    public enum LoadError: Error, Equatable {
        case missingResource
        case badLine(Int, String)
    }

    /// The bundled file, parsed. Fails on any line it cannot read, so a bad rebuild is caught by the tests.
    static func loadBundled(favourites: [ICD10Code]) throws -> ICD10CodeSet {
        guard let url = Bundle.module.url(forResource: "icd10cm", withExtension: "tsv") else { throw LoadError.missingResource }
        return try self.parse(Data(contentsOf: url), favourites: favourites)
    }

    /// Parses the generator's format (see build_codeset.py): code, billable, firstFY, lastFY, lastBillableFY,
    /// description, tab-separated; "#" lines are comments; a description starting with "^" continues the
    /// description of the nearest earlier line whose code is a prefix of this one.
    static func parse(_ data: Data, favourites: [ICD10Code]) throws -> ICD10CodeSet {
        let hand = Dictionary(favourites.map { ($0.code, $0) }, uniquingKeysWith: { a, _ in a })
        var codes: [ICD10Code] = []
        codes.reserveCapacity(100_000)
        // FY n runs from 1 October of year n - 1 to 30 September of year n.
        var starts: [Int: CalendarDate] = [:]
        var ends: [Int: CalendarDate] = [:]
        func start(_ fy: Int) -> CalendarDate? {
            if let d = starts[fy] { return d }
            let d = CalendarDate(year: fy - 1, month: 10, day: 1)
            starts[fy] = d
            return d
        }
        func end(_ fy: Int) -> CalendarDate? {
            if let d = ends[fy] { return d }
            let d = CalendarDate(year: fy, month: 9, day: 30)
            ends[fy] = d
            return d
        }
        // Ancestors of the current line (sorted input: each ancestor comes right before its subtree).
        var stack: [(code: String, description: String)] = []
        try data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            let bytes = raw.bindMemory(to: UInt8.self)
            let count = bytes.count
            var lineStart = 0
            var lineNumber = 0
            while lineStart < count {
                lineNumber += 1
                var lineEnd = lineStart
                while lineEnd < count, bytes[lineEnd] != 0x0A { lineEnd += 1 }
                defer { lineStart = lineEnd + 1 }
                if lineEnd == lineStart || bytes[lineStart] == UInt8(ascii: "#") { continue }
                // Field boundaries: five tabs, then the description to the end of the line.
                var fields: [Range<Int>] = []
                var fieldStart = lineStart
                var k = lineStart
                while k < lineEnd, fields.count < 5 {
                    if bytes[k] == 0x09 { fields.append(fieldStart..<k); fieldStart = k + 1 }
                    k += 1
                }
                guard fields.count == 5 else {
                    throw LoadError.badLine(lineNumber, String(decoding: UnsafeBufferPointer(rebasing: bytes[lineStart..<lineEnd]), as: UTF8.self))
                }
                func text(_ r: Range<Int>) -> String { String(decoding: UnsafeBufferPointer(rebasing: bytes[r]), as: UTF8.self) }
                func number(_ r: Range<Int>) -> Int? {
                    guard !r.isEmpty else { return nil }
                    var n = 0
                    for i in r {
                        guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[i]) else { return -1 }
                        n = n * 10 + Int(bytes[i] - UInt8(ascii: "0"))
                    }
                    return n
                }
                let code = text(fields[0])
                let billableNow = fields[1].count == 1 && bytes[fields[1].lowerBound] == UInt8(ascii: "1")
                let first = number(fields[2])
                let last = number(fields[3])
                let lastBillable = number(fields[4])
                guard let first, first > 2000, (last ?? 9999) >= first, (lastBillable ?? 9999) > 2000,
                      fields[1].count == 1, fieldStart < lineEnd else {
                    throw LoadError.badLine(lineNumber, text(lineStart..<lineEnd))
                }
                while let top = stack.last, !code.hasPrefix(top.code) { stack.removeLast() }
                var description = text(fieldStart..<lineEnd)
                if description.hasPrefix("^") {
                    guard let parent = stack.last else { throw LoadError.badLine(lineNumber, text(lineStart..<lineEnd)) }
                    description = parent.description + description.dropFirst()
                }
                stack.append((code, description))

                // Validity by date of service (ICD10Code's comments): the first FY of our data means "no start date".
                let validFrom = first <= Self.firstFiscalYear ? nil : start(first)
                let validTo: CalendarDate?
                if billableNow {
                    validTo = last.flatMap(end)
                } else {
                    validTo = lastBillable.flatMap(end)
                }
                var entry = ICD10Code(code: code, description: description, validFrom: validFrom, validTo: validTo,
                                      billable: billableNow && last == nil, source: Self.cmsSource)
                if let mine = hand[code] {
                    // The clinic's notes show; CMS decides the dates.
                    entry.replacedBy = mine.replacedBy
                    entry.note = mine.note
                    entry.confidence = mine.confidence
                    entry.source = mine.source
                }
                codes.append(entry)
            }
        }
        for i in 1..<Swift.max(codes.count, 1) where codes[i - 1].code >= codes[i].code {
            throw LoadError.badLine(i + 1, "not sorted: \(codes[i].code)")
        }
        self.deriveReplacements(&codes)
        return ICD10CodeSet(sorted: codes, favourites: Set(hand.keys))
    }
}
