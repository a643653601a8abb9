import Foundation
import Testing
@testable import KnotworkCore

/// The rules of referrals and their visit counters (issue 11): the NPI's check digit, which referral covers a date of
/// service, the last visit, expiry, overrides, alerts, and the validation of an entered referral.
@Suite struct ReferralRuleTests {
    static func d(_ s: String) -> CalendarDate { CalendarDate(s)! }

    // CMS's worked example: the check digit of 123456789 is 3 (Luhn over 80840123456789).
    @Test(arguments: [
        ("1234567893", true),
        ("1234567890", false),
        ("123456789", false),
        ("12345678931", false),
        ("123456789A", false),
        ("1234-567-893", true),
        ("1245319599", true),
        ("1245319598", false),
    ])
    func npiCheckDigit(npi: String, valid: Bool) {
        #expect(NPI.isValid(npi) == valid, "\(npi)")
    }

    @Test func npiCheckDigitOfTheNineDigits() {
        #expect(NPI.checkDigit("123456789") == 3)
        #expect(NPI.checkDigit("124531959") == 9)
        #expect(NPI.checkDigit("12345678") == nil)
        #expect(NPI.problem("1234567890") == "1234567890 is not a valid NPI: its check digit is wrong.")
        #expect(NPI.problem("12") == "An NPI is ten digits.")
    }

    static func candidate(_ id: Int, _ kind: ReferralKind = .order, status: ReferralStatus = .active, authorized: Int = 10, used: Int = 0,
                          start: String = "2026-01-01", expiry: String = "2026-06-30") -> CoverageCandidate {
        CoverageCandidate(id: UUID(uuidString: String(format: "00000000-0000-0000-0000-%012d", id))!, kind: kind, status: status,
                          counter: VisitCounter(authorized: authorized, used: used, start: d(start), expiry: d(expiry)))
    }

    static func id(_ n: Int) -> UUID { UUID(uuidString: String(format: "00000000-0000-0000-0000-%012d", n))! }

    @Test func theCoveringReferralWithVisitsLeftThatExpiresFirstTakesTheVisit() {
        let candidates = [Self.candidate(1, expiry: "2026-12-31"), Self.candidate(2, expiry: "2026-03-31"), Self.candidate(3, start: "2026-05-01")]
        #expect(Coverage.choose(.order, on: Self.d("2026-03-01"), among: candidates) == .counts(Self.id(2)))
        // After the second's expiry the first takes it; the third (from May) only once it started and it expires first.
        #expect(Coverage.choose(.order, on: Self.d("2026-04-01"), among: candidates) == .counts(Self.id(1)))
        #expect(Coverage.choose(.order, on: Self.d("2026-05-02"), among: candidates) == .counts(Self.id(3)))
        // Authorizations are counted on their own; none here.
        #expect(Coverage.choose(.authorization, on: Self.d("2026-03-01"), among: candidates) == .none)
    }

    @Test(arguments: [
        // (used, authorized, date, expected)
        (9, 10, "2026-06-30", "counts"),        // the last visit, on the expiry day itself
        (10, 10, "2026-06-30", "exhausted"),    // no visit left
        (12, 10, "2026-06-01", "exhausted"),    // already beyond, with overrides
        (3, 10, "2026-07-01", "expired"),       // the day after expiry
        (0, 10, "2025-12-31", "none"),          // before it starts: not covered, nothing asked
    ])
    func lastVisitAndExpiry(used: Int, authorized: Int, date: String, expected: String) {
        let c = [Self.candidate(1, authorized: authorized, used: used)]
        let got = Coverage.choose(.order, on: Self.d(date), among: c)
        switch expected {
        case "counts": #expect(got == .counts(Self.id(1)))
        case "none": #expect(got == .none)
        default: #expect(got == .needsOverride(Self.id(1), CoverageProblem(rawValue: expected)!))
        }
    }

    @Test func cancelledAndReceivedReferralsCountNothing() {
        for status in [ReferralStatus.cancelled, .received] {
            #expect(Coverage.choose(.order, on: Self.d("2026-03-01"), among: [Self.candidate(1, status: status)]) == .none)
        }
        // With an exhausted one and an open one covering the date, the open one takes the visit.
        let both = [Self.candidate(1, used: 10, expiry: "2026-03-31"), Self.candidate(2, expiry: "2026-12-31")]
        #expect(Coverage.choose(.order, on: Self.d("2026-03-01"), among: both) == .counts(Self.id(2)))
    }

    @Test func overridesAndChangesNeedTheirReasons() throws {
        let c = [Self.candidate(1, used: 10), Self.candidate(2, .authorization, authorized: 5, used: 1), Self.candidate(3, expiry: "2026-12-31")]
        let describe: (UUID, CoverageProblem) -> String = { id, p in "\(id.uuidString.suffix(1)) \(p.rawValue)" }
        // The automatic choice is the open order 3 and the authorization: nothing to explain.
        let plain = try ResolvedCoverage.resolve(CoverageDecision(), on: Self.d("2026-03-01"), among: c, describe: describe)
        #expect(plain.order == .counts(Self.id(3)) && plain.authorization == .counts(Self.id(2)) && !plain.needsOverride)
        // Choosing the exhausted order 1: a change reason and an override reason.
        #expect(throws: ValidationFailure.self) {
            try ResolvedCoverage.resolve(CoverageDecision(orderId: Self.id(1)), on: Self.d("2026-03-01"), among: c, describe: describe)
        }
        do {
            _ = try ResolvedCoverage.resolve(CoverageDecision(orderId: Self.id(1), changeReason: "Older order"), on: Self.d("2026-03-01"), among: c,
                                             describe: describe)
            Issue.record("accepted without an override reason")
        } catch {
            #expect(error.errors.map(\.field) == ["overrideReason"])
            #expect(error.errors.first?.message == "1 exhausted: give a reason to go beyond it.")
        }
        let chosen = try ResolvedCoverage.resolve(CoverageDecision(orderId: Self.id(1), changeReason: "Older order", overrideReason: "Provider agreed"),
                                                  on: Self.d("2026-03-01"), among: c, describe: describe)
        #expect(chosen.order == .needsOverride(Self.id(1), .exhausted) && chosen.overrideReason == "Provider agreed")
        // An id that is not an active referral of the patient is refused on its field.
        do {
            _ = try ResolvedCoverage.resolve(CoverageDecision(authorizationId: Self.id(3), changeReason: "x"), on: Self.d("2026-03-01"), among: c,
                                             describe: describe)
            Issue.record("accepted an order as an authorization")
        } catch {
            #expect(error.errors.map(\.field) == ["authorizationId"])
        }
        // An override reason that is not needed is not kept.
        let unneeded = try ResolvedCoverage.resolve(CoverageDecision(overrideReason: "just in case"), on: Self.d("2026-03-01"), among: c, describe: describe)
        #expect(unneeded.overrideReason == nil)
    }

    @Test(arguments: [
        // (authorized, used, today, expected alerts) with the default thresholds: 2 visits left, 7 days to expiry.
        (10, 7, "2026-06-01", [String]()),
        (10, 8, "2026-06-01", ["2 visits left"]),
        (10, 9, "2026-06-01", ["1 visit left"]),
        (10, 10, "2026-06-01", ["no authorized visits left"]),
        (10, 0, "2026-06-22", [String]()),
        (10, 0, "2026-06-23", ["expires in 7 days"]),
        (10, 0, "2026-06-29", ["expires tomorrow"]),
        (10, 0, "2026-06-30", ["expires today"]),
        (10, 9, "2026-07-01", ["1 visit left", "expired"]),
    ])
    func alerts(authorized: Int, used: Int, today: String, expected: [String]) {
        let counter = VisitCounter(authorized: authorized, used: used, start: Self.d("2026-01-01"), expiry: Self.d("2026-06-30"))
        #expect(counter.alerts(on: Self.d(today), settings: .standard).map(\.message) == expected)
    }

    @Test func statusFollowsTheCounterAndTheDate() {
        let counter = VisitCounter(authorized: 2, used: 2, start: Self.d("2026-01-01"), expiry: Self.d("2026-06-30"))
        #expect(counter.status(stored: .active, on: Self.d("2026-03-01")) == .exhausted)
        #expect(counter.status(stored: .cancelled, on: Self.d("2026-03-01")) == .cancelled)
        var open = counter
        open.used = 1
        #expect(open.status(stored: .active, on: Self.d("2026-03-01")) == .active)
        #expect(open.status(stored: .active, on: Self.d("2026-07-01")) == .expired)
        #expect(open.summary(on: Self.d("2026-06-20")) == "1 of 2 used, 1 left · 10 days to expiry")
        #expect(ReferralStatus.received.mayMove(to: .active) && !ReferralStatus.cancelled.mayMove(to: .active))
    }

    @Test func thresholdsAreTheClinicsWithinBounds() {
        #expect(throws: ValidationFailure.self) { try CounterSettings(alertVisitsLeft: -1).validate() }
        #expect(throws: ValidationFailure.self) { try CounterSettings(alertDaysToExpiry: 91).validate() }
        let tight = VisitCounter(authorized: 10, used: 5, start: Self.d("2026-01-01"), expiry: Self.d("2026-06-30"))
        #expect(tight.alerts(on: Self.d("2026-06-01"), settings: CounterSettings(alertVisitsLeft: 5, alertDaysToExpiry: 30)).map(\.message)
            == ["5 visits left", "expires in 29 days"])
    }

    @Test func anAuthorizationNamesItsPayerAndNumber() throws {
        let input = ReferralInput(kind: "authorization", payer: "Synthetic Health Plan", authorizationNumber: "A-77", authorizedVisits: 6,
                                  receivedOn: "2026-02-01", start: "2026-02-01", expiry: "2026-04-30")
        let (auth, status) = try input.validated(providers: [:], today: Self.d("2026-02-02"))
        #expect(auth.title == "Synthetic Health Plan authorization A-77" && status == .active && auth.diagnoses.isEmpty)
        var missing = input
        missing.payer = nil
        do { _ = try missing.validated(providers: [:], today: Self.d("2026-02-02")); Issue.record("accepted") } catch {
            #expect(error.errors.map(\.field) == ["payer"])
        }
    }

    @Test func anOrderFromAClinicProviderTakesTheirName() throws {
        let md = UUID()
        let input = ReferralInput(providerUserId: md, diagnoses: ["M54.2", "m62838"], frequencyPerWeek: 2, durationWeeks: 6, authorizedVisits: 12,
                                  receivedOn: "2026-02-01", start: "2026-02-01", expiry: "2026-04-30")
        let (order, _) = try input.validated(providers: [md: "Max Md"], today: Self.d("2026-02-02"))
        #expect(order.providerName == "Max Md" && order.diagnoses == ["M54.2", "M62.838"] && order.frequencyText == "2×/week for 6 weeks")
        do { _ = try input.validated(providers: [:], today: Self.d("2026-02-02")); Issue.record("accepted an unknown provider") } catch {
            #expect(error.errors.map(\.field) == ["providerUserId"])
        }
        var both = input
        both.external = .init(name: "Dr. Vale", npi: "1234567893")
        do { _ = try both.validated(providers: [md: "Max Md"], today: Self.d("2026-02-02")); Issue.record("accepted two providers") } catch {
            #expect(error.errors.map(\.field) == ["providerUserId"])
        }
    }

    // A script named order.pdf is refused: the type is read from the bytes.
    @Test(arguments: [
        (Array("%PDF-1.7\n".utf8), "application/pdf"),
        ([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00], "image/png"),
        ([0xFF, 0xD8, 0xFF, 0xE0, 0x00], "image/jpeg"),
        (Array("#!/bin/sh\nrm -rf /\n".utf8), "refused"),
        (Array("<script>alert(1)</script>".utf8), "refused"),
        ([UInt8](), "refused"),
    ])
    func scannedOrdersAreTypedFromTheirBytes(bytes: [UInt8], expected: String) {
        switch ScannedDocumentType.check(bytes) {
        case .success(let type): #expect(type.rawValue == expected)
        case .failure(let error): #expect(expected == "refused" && error.field == "document")
        }
        #expect(ScannedDocumentType.check([UInt8](repeating: 0x25, count: ReferralLimits.documentBytes + 1)) == .failure(FieldError("document", "The file is larger than 10 MB.")))
    }
}
