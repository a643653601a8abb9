import Foundation
import Testing
@testable import KnotworkCore

/// Continuing-education compliance against each state's rule, from the rules' own numbers: Florida 64B7-28.009 F.A.C.
/// (24 h with 2 medical errors, 2 laws and rules, 2 ethics, 1 human trafficking, 12 live hands-on), New York Education
/// Law §7807 (36 h, at most 12 self-study, first period exempt), 49 Pa. Code §20.32 (24 h, 4 ethics, 16 contact, at most
/// 8 online, 2 child abuse), 16 TAC §117 (12 h, CPR at most 6), Illinois 1284.90 and P.A. 103-0039 (24 h and 2 ethics,
/// then 25 h with 1 h domestic violence from 2024), NCBTMB (24 h, 3 ethics, self-care at most 4).
@Suite struct CEComplianceTests {
    static func d(_ s: String) -> CalendarDate { CalendarDate(s)! }

    static func course(_ hours: Double, _ categories: [CECategory] = [.general], _ delivery: CEDelivery = .live, on date: String = "2026-06-01") -> CECourse {
        CECourse(title: "Course", provider: "Provider", completedOn: Self.d(date), hours: hours, categories: categories, delivery: delivery)
    }

    static func rule(_ j: String, on date: String = "2026-12-07") -> CERule { CERules.rule(for: j, on: Self.d(date))! }

    static let expiry = d("2027-08-31")
    static let today = d("2026-12-07")

    static let floridaComplete = [course(2, [.medicalErrors]), course(2, [.lawsAndRules]), course(2, [.ethics]), course(1, [.humanTrafficking]),
                                  course(12, [.handsOn]), course(5)]

    @Test(arguments: [
        // name, jurisdiction, courses, expected status, expected shortfall messages
        ("FL complete", "FL", floridaComplete, CECompliance.Status.compliant, [String]()),
        ("FL without human trafficking", "FL", Array(floridaComplete.filter { $0.categories != [.humanTrafficking] }) + [course(1)], .ceShort,
         ["1 hour more of human-trafficking awareness"]),
        ("FL hands-on online", "FL", floridaComplete.map { $0.categories == [.handsOn] ? course(12, [.handsOn], .online) : $0 }, .ceShort,
         ["12 hours more of hands-on technique, live"]),
        ("NY 30 live + 12 online", "NY", [course(30), course(12, [.general], .online)], .compliant, []),
        ("NY 20 live + 16 online", "NY", [course(20), course(16, [.general], .online)], .ceShort, ["4 hours more in total"]),
        ("PA 16 live + 8 online", "PA", [course(4, [.ethics]), course(2, [.childAbuse]), course(10), course(8, [.general], .online)], .compliant, []),
        ("PA 12 live + 12 online", "PA", [course(4, [.ethics]), course(2, [.childAbuse]), course(6), course(12, [.general], .online)], .ceShort,
         ["4 hours more in total", "4 hours more live (in person)"]),
        ("TX 12 h with 8 CPR", "TX", [course(1, [.humanTrafficking]), course(8, [.cpr]), course(3)], .ceShort, ["2 hours more in total"]),
        ("NCBTMB 6 h self-care", "NCBTMB", [course(3, [.ethics]), course(6, [.selfCare]), course(15)], .ceShort, ["2 hours more in total"]),
        ("IL 2026: 24 h is one short", "IL", [course(2, [.ethics]), course(1, [.domesticViolence]), course(21)], .ceShort, ["1 hour more in total"]),
        ("WA without health equity", "WA", [course(8, [.handsOn]), course(4, [.ethics]), course(12)], .ceShort, ["2 hours more of health equity"]),
        ("OR 25 h", "OR", [course(4, [.ethics]), course(1, [.culturalCompetency]), course(20)], .compliant, []),
        ("CA requires none", "CA", [], .compliant, []),
        ("OH requires none", "OH", [], .compliant, []),
        ("NC 12 live + 12 online + ethics", "NC", [course(3, [.ethics]), course(9), course(12, [.general], .online)], .compliant, []),
        ("NC 6 live + 18 online", "NC", [course(3, [.ethics]), course(3), course(18, [.general], .online)], .ceShort,
         ["6 hours more in total", "6 hours more live (in person)"]),
    ] as [(String, String, [CECourse], CECompliance.Status, [String])])
    func complianceByStateRule(name: String, jurisdiction: String, courses: [CECourse], status: CECompliance.Status, shortfalls: [String]) {
        let result = CECompliance.evaluate(Self.rule(jurisdiction), expiry: Self.expiry, courses: courses, today: Self.today)
        #expect(result.status == status, "\(name): \(result.summary)")
        #expect(result.shortfalls.map(\.message) == shortfalls, "\(name)")
    }

    @Test func rulesHaveEffectiveDates() {
        // Illinois before P.A. 103-0039 (1 January 2024): 24 h with 2 ethics; from then on 25 with domestic violence.
        let courses = [Self.course(2, [.ethics], on: "2023-06-01"), Self.course(22, on: "2023-06-01")]
        let before = CECompliance.evaluate(Self.rule("IL", on: "2023-12-31"), expiry: Self.d("2023-12-31"), courses: courses, today: Self.d("2023-12-01"))
        #expect(before.status == .expiringSoon && before.shortfalls.isEmpty, "\(before.summary)")
        let next = [Self.course(2, [.ethics], on: "2025-06-01"), Self.course(22, on: "2025-06-01")]
        let after = CECompliance.evaluate(Self.rule("IL", on: "2024-01-01"), expiry: Self.d("2025-12-31"), courses: next, today: Self.d("2025-12-01"))
        #expect(after.shortfalls.map(\.message) == ["1 hour more in total", "1 hour more of domestic-violence and sexual-assault awareness"], "\(after.summary)")
        #expect(CERules.rule(for: "IL", on: Self.d("2015-12-31")) == nil)
    }

    @Test func statusByDate() {
        let ny = Self.rule("NY")
        let complete = [Self.course(36)]
        // Lapsed the day after expiry, whatever the hours.
        #expect(CECompliance.evaluate(ny, expiry: Self.d("2026-12-06"), courses: complete, today: Self.today).status == .lapsed)
        // Within 60 days with CE done: expiring; 61 days: compliant.
        #expect(CECompliance.evaluate(ny, expiry: Self.today.adding(days: 60), courses: complete, today: Self.today).status == .expiringSoon)
        #expect(CECompliance.evaluate(ny, expiry: Self.today.adding(days: 61), courses: complete, today: Self.today).status == .compliant)
        // Short and expiring: short (the more urgent), with the days still counted.
        let short = CECompliance.evaluate(ny, expiry: Self.today.adding(days: 30), courses: [Self.course(30)], today: Self.today)
        #expect(short.status == .ceShort && short.daysToExpiry == 30 && short.summary == "CE short by 2027-01-06: 6 hours more in total.")
        // The first registration period is exempt in New York, not in Florida.
        #expect(CECompliance.evaluate(ny, expiry: Self.expiry, courses: [], today: Self.today, firstRenewal: true).status == .compliant)
        #expect(CECompliance.evaluate(Self.rule("FL"), expiry: Self.expiry, courses: [], today: Self.today, firstRenewal: true).status == .ceShort)
    }

    @Test func onlyThePeriodsCoursesCount() {
        // New York's 36-month period ending 2027-08-31 starts after 2024-08-31.
        let ny = Self.rule("NY")
        let r = CECompliance.evaluate(ny, expiry: Self.expiry, courses: [Self.course(30, on: "2024-08-31"), Self.course(30, on: "2024-09-01"),
                                                                           Self.course(6, on: "2027-09-01")], today: Self.today)
        #expect(r.countedHours == 30 && r.shortfalls.map(\.message) == ["6 hours more in total"])
    }

    @Test(arguments: [
        (-1.0, false), (0.0, false), (0.5, true), (100.0, true), (100.5, false), (Double.nan, false), (Double.infinity, false),
    ])
    func courseHours(hours: Double, valid: Bool) {
        let problems = Self.course(hours).problems(today: Self.today)
        #expect(problems.contains { $0.field == "hours" } == !valid, "\(hours)")
    }

    @Test func badCoursesAndRules() {
        var c = Self.course(3, on: "2026-12-08")
        c.title = "  "
        #expect(c.problems(today: Self.today).map(\.field) == ["title", "completedOn"])
        var rule = Self.rule("PA")
        rule.source = " "
        rule.cycleMonths = 0
        rule.minimums.append(CEQuota(.ethics, -2))
        #expect(rule.problems.map(\.field) == ["source", "cycleMonths", "quotas"])
    }

    @Test func theReferenceRulesCoverTenStatesAndTheBoard() {
        let jurisdictions = Set(CERules.reference.map(\.jurisdiction))
        #expect(jurisdictions.subtracting(["NCBTMB"]).count >= 10 && jurisdictions.contains("NCBTMB"))
        for rule in CERules.reference {
            #expect(rule.problems.isEmpty, "\(rule.jurisdiction) \(rule.effectiveFrom): \(rule.problems)")
        }
        // What the reference marks uncertain stays marked on the rule.
        for j in ["FL", "IL", "WA", "OH", "NC", "NCBTMB", "NY"] {
            #expect(Self.rule(j).uncertain != nil, "\(j)")
        }
        for j in ["TX", "PA", "OR", "CA"] {
            #expect(Self.rule(j).uncertain == nil, "\(j)")
        }
    }
}

/// The administrator's edit of a rule: quotas typed one a line, every problem named, and the edit laid over the reference.
@Suite struct CERuleEditTests {
    @Test func anEditIsReadAndReplacesItsVersion() throws {
        let rule = try CERuleInput(jurisdiction: "oh", credential: "LMT", effectiveFrom: "2021-04-12", cycleMonths: 24, hoursRequired: 20,
                                   minimums: ["ethics 2", "hands-on 10 live", ""], maximums: ["cpr 4"], source: "Ohio Adm. Code 4731-1 (checked)",
                                   uncertain: "  ").validated()
        #expect(rule.jurisdiction == "OH" && rule.minimums == [CEQuota(.ethics, 2), CEQuota(.handsOn, 10, liveOnly: true)] && rule.maximums == [CEQuota(.cpr, 4)])
        #expect(rule.uncertain == nil, "a blank uncertainty means the rule was checked")
        let merged = CERules.merged([rule])
        #expect(merged.count == CERules.reference.count)
        #expect(CERules.rule(for: "OH", on: CalendarDate("2026-12-07")!, in: merged)?.hoursRequired == 20)
        // A later effective date adds a version that takes over from then.
        var later = rule
        later.effectiveFrom = CalendarDate("2027-01-01")!
        later.hoursRequired = 24
        let both = CERules.merged([rule, later])
        #expect(both.count == CERules.reference.count + 1)
        #expect(CERules.rule(for: "OH", on: CalendarDate("2026-12-31")!, in: both)?.hoursRequired == 20)
        #expect(CERules.rule(for: "OH", on: CalendarDate("2027-01-01")!, in: both)?.hoursRequired == 24)
        #expect(CERuleInput.quotaLine(CEQuota(.handsOn, 12, liveOnly: true)) == "hands-on 12 live")
    }

    @Test(arguments: [
        (CERuleInput(jurisdiction: "OH", credential: "LMT", effectiveFrom: "2021-04-12", cycleMonths: 24, hoursRequired: 20, source: ""), ["source"]),
        (CERuleInput(jurisdiction: "OH", credential: "LMT", effectiveFrom: "2021-04-12", cycleMonths: 24, hoursRequired: -1, minimums: ["ethic 2"], source: "x"),
         ["hoursRequired", "minimums"]),
        (CERuleInput(jurisdiction: "OH", credential: "", effectiveFrom: "12/04/2021", cycleMonths: 3, hoursRequired: 20, maximums: ["cpr four"], source: "x"),
         ["credential", "effectiveFrom", "cycleMonths", "maximums"]),
    ])
    func aBadRuleNamesEveryField(input: CERuleInput, fields: [String]) {
        do {
            _ = try input.validated()
            Issue.record("accepted")
        } catch {
            #expect(Set(error.errors.map(\.field)) == Set(fields), "\(error.errors)")
        }
    }
}
