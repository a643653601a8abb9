import Foundation

/// The topics CE rules name (each rule sets minimums or caps on some of them).
public enum CECategory: String, Codable, Sendable, CaseIterable {
    case ethics
    case handsOn = "hands-on"
    case lawsAndRules = "laws-and-rules"
    case medicalErrors = "medical-errors"
    case humanTrafficking = "human-trafficking"
    case domesticViolence = "domestic-violence"
    case healthEquity = "health-equity"
    case childAbuse = "child-abuse"
    case culturalCompetency = "cultural-competency"
    case painManagement = "pain-management"
    case selfCare = "self-care"
    case cpr
    case general

    public var label: String {
        switch self {
        case .ethics: "professional ethics"
        case .handsOn: "hands-on technique"
        case .lawsAndRules: "laws and rules"
        case .medicalErrors: "prevention of medical errors"
        case .humanTrafficking: "human-trafficking awareness"
        case .domesticViolence: "domestic-violence and sexual-assault awareness"
        case .healthEquity: "health equity"
        case .childAbuse: "child-abuse recognition and reporting"
        case .culturalCompetency: "cultural competency"
        case .painManagement: "pain management"
        case .selfCare: "self-care"
        case .cpr: "CPR / first aid"
        case .general: "general"
        }
    }
}

/// Hours as people write them: `3`, `1.5`, `1.25` (no trailing `.0`; at most two decimals).
public enum CEHours {
    public static func text(_ h: Double) -> String {
        if h == h.rounded() { return String(Int(h)) }
        var s = String(format: "%.2f", h)
        while s.hasSuffix("0") { s.removeLast() }
        return s
    }
}

/// How a course was taken: live (in person, instructor present) or online (self-study, distance).
public enum CEDelivery: String, Codable, Sendable, CaseIterable {
    case live, online
}

/// A completed course in a clinician's CE log.
public struct CECourse: Codable, Equatable, Sendable {
    public var title: String
    public var provider: String
    public var completedOn: CalendarDate
    public var hours: Double
    public var categories: [CECategory]
    public var delivery: CEDelivery

    public static let maxHours = 100.0

    public init(title: String, provider: String, completedOn: CalendarDate, hours: Double, categories: [CECategory], delivery: CEDelivery) {
        self.title = title
        self.provider = provider
        self.completedOn = completedOn
        self.hours = hours
        self.categories = categories
        self.delivery = delivery
    }

    /// The problems with a course as entered, by field: nothing is saved while there is one.
    public func problems(today: CalendarDate) -> [FieldError] {
        var errors: [FieldError] = []
        if Text.clean(self.title).isEmpty { errors.append(FieldError("title", "Name the course.")) }
        if Text.clean(self.provider).isEmpty { errors.append(FieldError("provider", "Name the course's provider.")) }
        if !(self.hours > 0 && self.hours <= Self.maxHours) || !self.hours.isFinite {
            errors.append(FieldError("hours", "Hours must be more than 0 and at most \(Int(Self.maxHours)) for one course."))
        }
        if self.completedOn > today { errors.append(FieldError("completedOn", "A course is logged once it is completed, not before.")) }
        return errors
    }
}

/// A course as typed on the form or sent as JSON.
public struct CECourseInput: Codable, Sendable, Equatable {
    public var title: String?
    public var provider: String?
    public var completedOn: String?
    public var hours: Double?
    public var categories: [String]?
    public var delivery: String?

    public init(title: String? = nil, provider: String? = nil, completedOn: String? = nil, hours: Double? = nil, categories: [String]? = nil,
                delivery: String? = nil) {
        self.title = title
        self.provider = provider
        self.completedOn = completedOn
        self.hours = hours
        self.categories = categories
        self.delivery = delivery
    }

    /// Every field's problem at once. A course with no category counts as general hours.
    public func validated(today: CalendarDate) throws(ValidationFailure) -> CECourse {
        var errors: [FieldError] = []
        if self.hours == nil { errors.append(FieldError("hours", "Enter the course's hours as a number (for example 3 or 1.5).")) }
        let day = CalendarDate(Text.clean(self.completedOn))
        if day == nil { errors.append(FieldError("completedOn", "Enter the date the course was completed (YYYY-MM-DD).")) }
        let delivery = CEDelivery(rawValue: Text.clean(self.delivery ?? CEDelivery.live.rawValue))
        if delivery == nil { errors.append(FieldError("delivery", "Use live or online.")) }
        var categories: [CECategory] = []
        for raw in self.categories ?? [] {
            if let c = CECategory(rawValue: raw) { if !categories.contains(c) { categories.append(c) } } else {
                errors.append(FieldError("categories", "Use the categories " + CECategory.allCases.map(\.rawValue).joined(separator: ", ") + "."))
            }
        }
        let course = CECourse(title: Text.clean(self.title), provider: Text.clean(self.provider), completedOn: day ?? today, hours: self.hours ?? 1,
                              categories: categories.isEmpty ? [.general] : categories, delivery: delivery ?? .live)
        errors += course.problems(today: today).filter { e in !(e.field == "hours" && self.hours == nil) }
        if !errors.isEmpty { throw ValidationFailure(errors) }
        return course
    }
}

/// Hours of one category; with `liveOnly`, only live courses count toward it (Florida's in-person hands-on hours).
public struct CEQuota: Codable, Equatable, Sendable {
    public var category: CECategory
    public var hours: Double
    public var liveOnly: Bool

    public init(_ category: CECategory, _ hours: Double, liveOnly: Bool = false) {
        self.category = category
        self.hours = hours
        self.liveOnly = liveOnly
    }
}

/// One jurisdiction's CE rule for one credential, in force from a date: data, not code, because rules change often.
public struct CERule: Codable, Equatable, Sendable {
    /// A state's postal code, or `NCBTMB` for the national board certification.
    public var jurisdiction: String
    public var credential: String
    public var effectiveFrom: CalendarDate
    /// The CE period ending at each expiry.
    public var cycleMonths: Int
    public var hoursRequired: Double
    /// Hours of a category required within the total.
    public var minimums: [CEQuota]
    /// Hours of a category that count toward the total at most.
    public var maximums: [CEQuota]
    public var liveMinimum: Double?
    public var onlineMaximum: Double?
    /// No CE is due at the first renewal after licensure.
    public var firstRenewalExempt: Bool
    /// Requirements that are not hours (a CPR card, a one-off module), shown beside the status.
    public var otherRequirements: [String]
    /// The regulation or page the rule comes from.
    public var source: String
    /// What is not settled about the rule, when something is: the administrator should check it and may edit the rule.
    public var uncertain: String?

    public init(jurisdiction: String, credential: String, effectiveFrom: CalendarDate, cycleMonths: Int, hoursRequired: Double,
                minimums: [CEQuota] = [], maximums: [CEQuota] = [], liveMinimum: Double? = nil, onlineMaximum: Double? = nil,
                firstRenewalExempt: Bool = false, otherRequirements: [String] = [], source: String, uncertain: String? = nil) {
        self.jurisdiction = jurisdiction
        self.credential = credential
        self.effectiveFrom = effectiveFrom
        self.cycleMonths = cycleMonths
        self.hoursRequired = hoursRequired
        self.minimums = minimums
        self.maximums = maximums
        self.liveMinimum = liveMinimum
        self.onlineMaximum = onlineMaximum
        self.firstRenewalExempt = firstRenewalExempt
        self.otherRequirements = otherRequirements
        self.source = source
        self.uncertain = uncertain
    }

    /// The problems with a rule as an administrator edits it, by field.
    public var problems: [FieldError] {
        var errors: [FieldError] = []
        if Text.clean(self.source).isEmpty { errors.append(FieldError("source", "A rule needs its source: the regulation or the regulator's page.")) }
        if Text.clean(self.jurisdiction).isEmpty { errors.append(FieldError("jurisdiction", "Name the state or board.")) }
        if !(6...60).contains(self.cycleMonths) { errors.append(FieldError("cycleMonths", "A renewal cycle is 6 to 60 months.")) }
        if !(0...200).contains(self.hoursRequired) { errors.append(FieldError("hoursRequired", "Required hours are 0 to 200.")) }
        for q in self.minimums + self.maximums where !(q.hours > 0 && q.hours <= 200) {
            errors.append(FieldError("quotas", "Each category's hours are more than 0 and at most 200 (\(q.category.label))."))
        }
        if let live = self.liveMinimum, !(0...200).contains(live) { errors.append(FieldError("liveMinimum", "Live hours are 0 to 200.")) }
        if let online = self.onlineMaximum, !(0...200).contains(online) { errors.append(FieldError("onlineMaximum", "Online hours are 0 to 200.")) }
        return errors
    }
}

/// Where a clinician stands against a rule for the license period ending at `expiry`.
public struct CECompliance: Equatable, Sendable {
    public enum Status: String, Codable, Sendable {
        case compliant
        case ceShort = "ce-short"
        case expiringSoon = "expiring-soon"
        case lapsed
    }

    /// Hours still missing: of the total, of a category, or of live courses.
    public struct Shortfall: Equatable, Sendable {
        public enum Kind: Equatable, Sendable {
            case total
            case category(CECategory, liveOnly: Bool)
            case live
        }

        public var kind: Kind
        public var hours: Double

        public var message: String {
            let h = Self.hours(self.hours)
            switch self.kind {
            case .total: return "\(h) more in total"
            case .category(let c, let liveOnly): return "\(h) more of \(c.label)\(liveOnly ? ", live" : "")"
            case .live: return "\(h) more live (in person)"
            }
        }

        static func hours(_ h: Double) -> String { "\(CEHours.text(h)) hour\(h == 1 ? "" : "s")" }
    }

    public var status: Status
    public var shortfalls: [Shortfall]
    /// The hours that count toward the total after the rule's caps.
    public var countedHours: Double
    public var expiry: CalendarDate
    public var daysToExpiry: Int

    /// Warn this many days before a license expires.
    public static let expiryWarningDays = 60

    /// Evaluates `courses` against `rule` for the period ending at `expiry`: the courses completed after the previous
    /// expiry (`cycleMonths` earlier) and on or before this one. Online hours count up to the rule's cap, capped
    /// categories up to theirs; minimums are met by the hours of courses in that category.
    public static func evaluate(_ rule: CERule, expiry: CalendarDate, courses: [CECourse], today: CalendarDate, firstRenewal: Bool = false,
                                warningDays: Int = Self.expiryWarningDays) -> CECompliance {
        let start = expiry.adding(months: -rule.cycleMonths)
        let inPeriod = courses.filter { $0.completedOn > start && $0.completedOn <= expiry }
        let live = inPeriod.filter { $0.delivery == .live }.reduce(0) { $0 + $1.hours }
        let online = inPeriod.filter { $0.delivery == .online }.reduce(0) { $0 + $1.hours }
        func hours(of category: CECategory, liveOnly: Bool = false) -> Double {
            inPeriod.filter { $0.categories.contains(category) && (!liveOnly || $0.delivery == .live) }.reduce(0) { $0 + $1.hours }
        }
        var counted = live + min(online, rule.onlineMaximum ?? .infinity)
        for cap in rule.maximums { counted -= max(0, hours(of: cap.category) - cap.hours) }
        counted = max(0, counted)

        var shortfalls: [Shortfall] = []
        if !(rule.firstRenewalExempt && firstRenewal) {
            if counted < rule.hoursRequired { shortfalls.append(Shortfall(kind: .total, hours: rule.hoursRequired - counted)) }
            for q in rule.minimums where hours(of: q.category, liveOnly: q.liveOnly) < q.hours {
                shortfalls.append(Shortfall(kind: .category(q.category, liveOnly: q.liveOnly), hours: q.hours - hours(of: q.category, liveOnly: q.liveOnly)))
            }
            if let minimum = rule.liveMinimum, live < minimum { shortfalls.append(Shortfall(kind: .live, hours: minimum - live)) }
        }
        let days = expiry.dayNumber - today.dayNumber
        let status: Status = days < 0 ? .lapsed : !shortfalls.isEmpty ? .ceShort : days <= warningDays ? .expiringSoon : .compliant
        return CECompliance(status: status, shortfalls: shortfalls, countedHours: counted, expiry: expiry, daysToExpiry: days)
    }

    /// One line for a worklist or the compliance page.
    public var summary: String {
        switch self.status {
        case .lapsed: return "Lapsed on \(self.expiry)."
        case .ceShort: return "CE short by \(self.expiry): " + self.shortfalls.map(\.message).joined(separator: "; ") + "."
        case .expiringSoon: return "Expires on \(self.expiry), in \(self.daysToExpiry) day\(self.daysToExpiry == 1 ? "" : "s"); CE complete."
        case .compliant: return "Compliant until \(self.expiry)."
        }
    }
}
