import Foundation

// ICD-10-CM diagnoses for a plan of care's problems. Codes change every fiscal year (1 October), so each code carries
// the dates of service it may be reported on, and the reference asks to validate against the CMS release in force on
// the date of service (CLINICAL-REFERENCE.md §3.6, §8). The full CMS code set from FY2021 on is bundled
// (ICD10CodeSet.swift); the clinic's short list of §3.6 stays as the favourites, whose notes show with the code.

/// One ICD-10-CM code and the dates of service on which it may be reported.
public struct ICD10Code: Sendable, Equatable, Hashable, Codable, Identifiable {
    /// With its dot, upper case: "M54.50", "S13.4XXA".
    public var code: String
    public var description: String
    /// First date of service the code may be reported on; nil = no start date recorded (in use before our data).
    public var validFrom: CalendarDate?
    /// Last date of service the code may be reported on; nil = still valid.
    public var validTo: CalendarDate?
    /// The codes to use once this one is no longer valid (M54.5 → M54.50, M54.51, M54.59).
    public var replacedBy: [String]
    /// The code's status in the current release: false for a deleted code (M54.5) and for a category header
    /// (M79.1 since FY2022). A code that stopped being billable keeps its last billable date in `validTo`;
    /// a header with no `validTo` is never accepted.
    public var billable: Bool
    /// Coding guidance from the reference, with its ⚠️ where the reference marks one.
    public var note: String
    public var confidence: Confidence
    /// Reference section and source tags.
    public var source: String

    public var id: String { self.code }

    public init(code: String, description: String, validFrom: CalendarDate? = nil, validTo: CalendarDate? = nil,
                replacedBy: [String] = [], billable: Bool = true, note: String = "", confidence: Confidence = .confirmed,
                source: String) {
        self.code = code
        self.description = description
        self.validFrom = validFrom
        self.validTo = validTo
        self.replacedBy = replacedBy
        self.billable = billable
        self.note = note
        self.confidence = confidence
        self.source = source
    }

    /// Whether the code may be reported for a date of service.
    public func isValid(on date: CalendarDate) -> Bool {
        if let from = self.validFrom, date < from { return false }
        if let to = self.validTo, date > to { return false }
        return self.billable || self.validTo != nil
    }
}

/// Why a code was refused for a date of service, with the codes to use instead.
public struct ICD10Refusal: Error, Sendable, Equatable {
    /// The code as normalised (or as typed, when it is not a code at all).
    public var code: String
    public var message: String
    public var suggestions: [String]

    public init(code: String, message: String, suggestions: [String] = []) {
        self.code = code
        self.message = message
        self.suggestions = suggestions
    }
}

public enum ICD10Catalog {
    /// FY2022 (1 October 2021): M54.5 deleted (§3.6 [S49e]).
    static let fy2022 = CalendarDate(year: 2021, month: 10, day: 1)!
    static let endOfFY2021 = CalendarDate(year: 2021, month: 9, day: 30)!

    /// The clinic's short list as written from §3.6: every row, rows listing several codes ("M54.30 / M54.31 / M54.32")
    /// split into one code each, plus the two predecessors the reference names (M54.5 deleted, M79.1 now a header).
    /// Descriptions are the reference's short titles. `favourites` merges it with CMS's data; a test checks that its
    /// dates agree with CMS's.
    static let handList: [ICD10Code] = {
        func c(_ code: String, _ description: String, _ tags: String, from: CalendarDate? = nil, to: CalendarDate? = nil,
               replacedBy: [String] = [], billable: Bool = true, note: String = "", confidence: Confidence = .confirmed) -> ICD10Code {
            ICD10Code(code: code, description: description, validFrom: from, validTo: to, replacedBy: replacedBy, billable: billable,
                      note: note, confidence: confidence, source: "CLINICAL-REFERENCE §3.6 \(tags)")
        }
        // The reference puts the M79.1 split in FY2022; CMS's FY2021 release (January 2021 order file) already has M79.1
        // as a header with M79.10-M79.18 billable, so the split took effect 1 Oct 2020 (FY2021) and CMS's dates stand.
        let m791Split = "M79.1 was expanded on 1 Oct 2020 (FY2021); M79.1 itself is now a non-billable header"
        let m545Split = "M54.5 was deleted 1 Oct 2021 and split into M54.50/.51/.59"
        let sevenA = "7th character A initial encounter / D subsequent encounter"
        return [
            // §3.6 [S49c]: M79.1 → M79.10/.11/.12/.18 (CMS: from 1 Oct 2020, FY2021, the first release of our data).
            c("M79.1", "Myalgia", "[S49c] ✅", replacedBy: ["M79.10", "M79.11", "M79.12", "M79.18"], billable: false,
              note: m791Split + ": use M79.10, M79.11, M79.12 or M79.18"),
            c("M79.10", "Myalgia, unspecified site", "[S49c] ✅", note: m791Split),
            c("M79.11", "Myalgia of mastication muscle", "[S49c] ✅"),
            c("M79.12", "Myalgia of auxiliary muscles, head and neck", "[S49c] ✅"),
            c("M79.18", "Myalgia, other site", "[S49c] ✅",
              note: "⚠️ commonly used for myofascial pain of a named region (secondary source; verify)"),
            c("M79.7", "Fibromyalgia", "[S49d] ✅"),
            c("M54.2", "Cervicalgia", "[S49g] ✅"),
            // §3.6 [S49e]: M54.5 valid only through FY2021; reject it for DOS ≥ 2021-10-01.
            c("M54.5", "Low back pain", "[S49e] ✅", to: endOfFY2021, replacedBy: ["M54.50", "M54.51", "M54.59"], billable: false,
              note: m545Split + ": reject M54.5 for dates of service from 2021-10-01"),
            c("M54.50", "Low back pain, unspecified", "[S49e] ✅", from: fy2022, note: m545Split),
            c("M54.51", "Vertebrogenic low back pain", "[S49e] ✅", from: fy2022),
            c("M54.59", "Other low back pain", "[S49e] ✅", from: fy2022),
            c("M54.6", "Pain in thoracic spine", "[S49g] ✅"),
            c("M54.9", "Dorsalgia, unspecified", "[S49g] ✅"),
            c("M54.30", "Sciatica, unspecified side", "[S49g] ✅"),
            c("M54.31", "Sciatica, right side", "[S49g] ✅"),
            c("M54.32", "Sciatica, left side", "[S49g] ✅"),
            c("M54.40", "Lumbago with sciatica, unspecified side", "[S49g] ✅"),
            c("M54.41", "Lumbago with sciatica, right side", "[S49g] ✅"),
            c("M54.42", "Lumbago with sciatica, left side", "[S49g] ✅"),
            c("M62.830", "Muscle spasm of back", "[S49d] ✅"),
            c("M62.831", "Muscle spasm of calf", "[S49d] ✅"),
            c("M62.838", "Other muscle spasm", "[S49d] ✅"),
            c("M62.81", "Muscle weakness (generalized)", "[S49d] ✅"),
            c("M25.50", "Pain in unspecified joint", "[S49g] ✅", note: "M25.5 requires laterality/joint 6th character"),
            c("M25.511", "Pain in right shoulder", "[S49g] ✅"),
            c("M25.512", "Pain in left shoulder", "[S49g] ✅"),
            c("M25.521", "Pain in right elbow", "[S49g] ✅"),
            c("M25.522", "Pain in left elbow", "[S49g] ✅"),
            c("M25.531", "Pain in right wrist", "[S49g] ✅"),
            c("M25.532", "Pain in left wrist", "[S49g] ✅"),
            c("M25.551", "Pain in right hip", "[S49d] ✅"),
            c("M25.552", "Pain in left hip", "[S49d] ✅"),
            c("M25.561", "Pain in right knee", "[S49g] ✅"),
            c("M25.562", "Pain in left knee", "[S49g] ✅"),
            c("M25.571", "Pain in right ankle and joints of right foot", "[S49d] ✅ (several independent public code lists agree)"),
            c("M25.572", "Pain in left ankle and joints of left foot", "[S49d] ✅ (several independent public code lists agree)"),
            c("M25.611", "Stiffness of right shoulder, not elsewhere classified", "[S49g] ✅"),
            c("M25.612", "Stiffness of left shoulder, not elsewhere classified", "[S49g] ✅"),
            c("G44.201", "Tension-type headache, unspecified, intractable", "[S49f] ✅"),
            c("G44.209", "Tension-type headache, unspecified, not intractable", "[S49f] ✅"),
            c("G44.211", "Episodic tension-type headache, intractable", "[S49f] ✅"),
            c("G44.219", "Episodic tension-type headache, not intractable", "[S49f] ✅"),
            c("G44.221", "Chronic tension-type headache, intractable", "[S49f] ✅"),
            c("G44.229", "Chronic tension-type headache, not intractable", "[S49f] ✅"),
            c("G89.29", "Other chronic pain", "[S49d] ✅",
              note: "⚠️ G89 codes are used with the site code when pain management is the focus; do not use when a more definitive "
                  + "diagnosis explains the pain (ICD-10-CM guideline I.C.6.b)"),
            c("G89.4", "Chronic pain syndrome", "[S49d] ✅"),
            c("M53.1", "Cervicobrachial syndrome", "[S49g] ✅"),
            c("M53.82", "Other specified dorsopathies, cervical region", "[S49g] ✅",
              note: "M53.83 cervicothoracic, M53.84 thoracic, M53.86 lumbar …"),
            // §3.6: codes ✅ [S49d]; the "whiplash" index entry and the 7th-character guidance are ⚠️.
            c("S13.4XXA", "Sprain of ligaments of cervical spine, initial encounter", "[S49d] ✅ codes / ⚠️ index & 7th-character guidance",
              note: "⚠️ \"whiplash\" indexes here; use 7th character D during healing/recovery care, A only during active treatment",
              confidence: .uncertain),
            c("S13.4XXD", "Sprain of ligaments of cervical spine, subsequent encounter", "[S49d] ✅ codes / ⚠️ index & 7th-character guidance",
              note: "⚠️ \"whiplash\" indexes here; use 7th character D during healing/recovery care, A only during active treatment",
              confidence: .uncertain),
            c("S16.1XXA", "Strain of muscle, fascia and tendon at neck level, initial encounter", "[S49h][S49d] ✅", note: sevenA),
            c("S16.1XXD", "Strain of muscle, fascia and tendon at neck level, subsequent encounter", "[S49h][S49d] ✅", note: sevenA),
            c("S39.012A", "Strain of muscle, fascia and tendon of lower back, initial encounter", "[S49h][S49d] ✅", note: sevenA),
            c("S39.012D", "Strain of muscle, fascia and tendon of lower back, subsequent encounter", "[S49h][S49d] ✅", note: sevenA),
        ]
    }()

    /// The bundled CMS set, read at first use; an error here is a broken build of the data file (a test checks it).
    static let loaded: Result<ICD10CodeSet, any Error> = Result { try ICD10CodeSet.loadBundled(favourites: handList) }

    /// Every ICD-10-CM code from FY2021 on (billable codes and headers), with the favourites' notes merged in. Should
    /// the resource fail to load, the short list alone, so that the clinic can still chart.
    public static let codes: ICD10CodeSet = (try? loaded.get())
        ?? ICD10CodeSet(handList, favourites: Set(handList.map(\.code)))

    /// The clinic's short list, in its own order, each code as CMS has it (dates, description) with the list's
    /// notes, confidence, source and replacements.
    public static let favourites: [ICD10Code] = handList.map { codes.code($0.code) ?? $0 }

    /// Upper case, spaces dropped, and the dot put back after the third character when it was left out ("m5450" → "M54.50").
    public static func normalize(_ text: String) -> String {
        let compact = text.uppercased().filter { !$0.isWhitespace }
        guard !compact.contains("."), compact.count > 3 else { return compact }
        return String(compact.prefix(3)) + "." + String(compact.dropFirst(3))
    }

    /// ICD-10-CM shape: a letter, a digit, a letter or digit, then optionally a dot and one to four letters or digits.
    static func isWellFormed(_ code: String) -> Bool {
        let chars = Array(code)
        guard chars.count >= 3, chars[0].isASCII, chars[0].isLetter, chars[1].isASCII, chars[1].isNumber,
              chars[2].isASCII, chars[2].isLetter || chars[2].isNumber else { return false }
        if chars.count == 3 { return true }
        let rest = chars.dropFirst(4)
        return chars[3] == "." && (1...4).contains(rest.count) && rest.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) }
    }

    /// The code in the set, whatever its case or dot.
    public static func code(_ text: String, in codes: ICD10CodeSet = ICD10Catalog.codes) -> ICD10Code? {
        codes.code(self.normalize(text))
    }

    /// Codes whose code starts with the text (dot and case ignored), then codes whose description has, for every word
    /// of the text, a word starting with it (case and accents ignored); at most `limit`. Codes valid on `date` come
    /// first, favourites first among them, then code order; codes not valid on the date (headers, deleted codes) follow,
    /// so the clinician sees why a familiar code is refused. An empty text lists the favourites.
    public static func search(_ text: String, on date: CalendarDate, in codes: ICD10CodeSet = ICD10Catalog.codes,
                              limit: Int = 25) -> [ICD10Code] {
        guard limit > 0 else { return [] }
        let codeKey = self.normalize(text).replacingOccurrences(of: ".", with: "")
        let words = ICD10CodeSet.queryWords(text)
        var favourites: [ICD10Code] = codes.favourites.compactMap { codes.code($0) }.sorted { $0.code < $1.code }
        if words.isEmpty && codeKey.isEmpty {
            if favourites.isEmpty { favourites = codes.codes }
            let valid = favourites.filter { $0.isValid(on: date) }
            return Array((valid + favourites.filter { !$0.isValid(on: date) }).prefix(limit))
        }
        let prefix = codes.prefixRange(codeKey)
        func matches(_ code: ICD10Code) -> Bool {
            guard let i = codes.position[code.code] else { return false }
            return prefix.contains(i) || (!words.isEmpty && codes.matches(i, words: words))
        }
        favourites = favourites.filter(matches)
        let validFavourites = favourites.filter { $0.isValid(on: date) }
        var valid: [ICD10Code] = []
        var invalid: [ICD10Code] = []
        var seen = Set<Int>()
        // Stops once the valid codes fill the limit: the favourites are already counted, and the rest rank after.
        func take(_ i: Int) -> Bool {
            let code = codes.codes[i]
            guard !codes.favourites.contains(code.code), seen.insert(i).inserted else { return true }
            if code.isValid(on: date) { valid.append(code) } else if invalid.count < limit { invalid.append(code) }
            return validFavourites.count + valid.count < limit
        }
        var going = true
        for i in prefix where going { going = take(i) }
        if going, !words.isEmpty { codes.forEachWordMatch(words, take) }
        let ranked = validFavourites + valid + favourites.filter { !$0.isValid(on: date) } + invalid
        return Array(ranked.prefix(limit))
    }

    /// Whether a code may be reported for a date of service, with a message naming the codes to use when it may not.
    public static func validate(code text: String, on date: CalendarDate,
                                in codes: ICD10CodeSet = ICD10Catalog.codes) -> Result<ICD10Code, ICD10Refusal> {
        let key = self.normalize(text)
        if key.isEmpty { return .failure(ICD10Refusal(code: "", message: "Choose an ICD-10-CM code.")) }
        guard self.isWellFormed(key) else {
            return .failure(ICD10Refusal(code: text, message: "“\(text)” is not an ICD-10-CM code (for example M54.50)."))
        }
        guard let code = codes.code(key) else {
            // A category typed without its dot's last characters ("M25.5" in a short list): offer the codes under it.
            let under = self.suggestions(codes.codes[codes.prefixRange(key.replacingOccurrences(of: ".", with: ""))], on: date, in: codes)
            let more = under.codes.isEmpty ? "" : "; more specific codes: \(self.list(under.codes, total: under.total))"
            return .failure(ICD10Refusal(code: key, message: "\(key) is not an ICD-10-CM code\(more).", suggestions: under.codes))
        }
        if let to = code.validTo, date > to {
            let from = to.adding(days: 1)
            let use = code.replacedBy.isEmpty ? "" : "; use \(self.list(code.replacedBy))"
            return .failure(ICD10Refusal(code: key, message: "\(key) is not valid for dates of service from \(from)\(use).",
                                         suggestions: code.replacedBy))
        }
        if let from = code.validFrom, date < from {
            // The code that this one replaced is the one to use before it existed.
            let predecessors = codes.predecessors(of: code)
            let use = predecessors.isEmpty ? "" : "; use \(self.list(predecessors))"
            return .failure(ICD10Refusal(code: key, message: "\(key) is not valid for dates of service before \(from)\(use).",
                                         suggestions: predecessors))
        }
        if !code.isValid(on: date) {
            let under = self.suggestions(codes.descendants(of: key), on: date, in: codes)
            let use = under.codes.isEmpty ? "" : "; use \(self.list(under.codes, total: under.total))"
            return .failure(ICD10Refusal(code: key, message: "\(key) is a non-billable header\(use).", suggestions: under.codes))
        }
        return .success(code)
    }

    /// At most this many codes offered instead of a header (M54 has dozens under it).
    static let maxSuggestions = 25

    /// The codes valid on the date among candidates, favourites first, at most `maxSuggestions`, and how many there are.
    static func suggestions(_ candidates: ArraySlice<ICD10Code>, on date: CalendarDate,
                            in codes: ICD10CodeSet) -> (codes: [String], total: Int) {
        let valid = candidates.filter { $0.isValid(on: date) }
        let ranked = valid.filter { codes.isFavourite($0) } + valid.filter { !codes.isFavourite($0) }
        return (Array(ranked.prefix(self.maxSuggestions).map(\.code)), valid.count)
    }

    /// "A", "A or B", "A, B or C"; past six codes, "A, B, C, D … (22 codes)".
    static func list(_ items: [String], total: Int? = nil) -> String {
        let total = total ?? items.count
        if total > 6 {
            return items.prefix(4).joined(separator: ", ") + " … (\(total) codes)"
        }
        guard items.count > 1 else { return items.first ?? "" }
        return items.dropLast().joined(separator: ", ") + " or " + items.last!
    }
}

/// A search of the code set as a person or a client asks it: the words or code, the date of service the codes must be
/// valid on (today by default), and how many to return.
public struct ICD10Query: Sendable, Equatable {
    public static let maxText = 100
    public static let maxLimit = 100

    public var text: String
    public var date: CalendarDate
    public var limit: Int

    /// Field errors name the parameter: `q`, `on` or `limit`.
    public static func parse(q: String?, on: String?, limit: String?, today: CalendarDate) throws -> ICD10Query {
        var errors: [FieldError] = []
        let text = (q ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if text.count > Self.maxText { errors.append(FieldError("q", "The search may be at most \(Self.maxText) characters.")) }
        var date = today
        if let on, !on.isEmpty {
            if let d = CalendarDate(on) { date = d } else { errors.append(FieldError("on", "The date of service must be a date YYYY-MM-DD.")) }
        }
        var count = 25
        if let limit, !limit.isEmpty {
            if let n = Int(limit), (1...Self.maxLimit).contains(n) { count = n } else {
                errors.append(FieldError("limit", "The limit must be a whole number from 1 to \(Self.maxLimit)."))
            }
        }
        guard errors.isEmpty else { throw ValidationFailure(errors) }
        return ICD10Query(text: text, date: date, limit: count)
    }

    public init(text: String, date: CalendarDate, limit: Int = 25) {
        self.text = text
        self.date = date
        self.limit = limit
    }

    public func run(in codes: ICD10CodeSet = ICD10Catalog.codes) -> [ICD10Code] {
        ICD10Catalog.search(self.text, on: self.date, in: codes, limit: self.limit)
    }
}
