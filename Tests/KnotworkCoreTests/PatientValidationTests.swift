import Foundation
import Testing
@testable import KnotworkCore

struct PatientValidationTests {
    let today = CalendarDate(year: 2026, month: 11, day: 29)!

    func valid() -> PatientInput {
        PatientInput(givenName: "Zoë", familyName: "Ångström", dateOfBirth: "1980-02-29", sex: "female", phone: "(555) 010-2000")
    }

    @Test func acceptsAValidPatientAndCleansWhitespace() throws {
        var input = self.valid()
        input.givenName = "  Zoë   Marie "
        let d = try input.validate(today: self.today)
        #expect(d.givenName == "Zoë Marie")
        #expect(d.dateOfBirth == CalendarDate(year: 1980, month: 2, day: 29))
    }

    @Test(arguments: [
        ("givenName", "", "givenName"),
        ("familyName", "   ", "familyName"),
        ("givenName", String(repeating: "a", count: 101), "givenName"),
        ("givenName", "Ann\u{0007}", "givenName"),
        ("dateOfBirth", "", "dateOfBirth"),
        ("dateOfBirth", "2026-11-30", "dateOfBirth"),   // the future
        ("dateOfBirth", "1981-02-29", "dateOfBirth"),   // not a leap year
        ("dateOfBirth", "1899-12-31", "dateOfBirth"),
        ("dateOfBirth", "29/02/1980", "dateOfBirth"),
        ("sex", "", "sex"),
        ("sex", "f", "sex"),
        ("phone", "12", "phone"),
        ("phone", "555-010-2000; DROP TABLE", "phone"),
        ("email", "not-an-email", "email"),
        ("postalCode", String(repeating: "9", count: 13), "postalCode"),
    ] as [(String, String, String)])
    func refusesBadFieldWithItsName(path: String, value: String, field: String) {
        var input = self.valid()
        switch path {
        case "givenName": input.givenName = value
        case "familyName": input.familyName = value
        case "dateOfBirth": input.dateOfBirth = value
        case "sex": input.sex = value
        case "phone": input.phone = value
        case "email": input.email = value
        default: input.postalCode = value
        }
        #expect(throws: ValidationFailure.self) { try input.validate(today: self.today) }
        do {
            _ = try input.validate(today: self.today)
        } catch {
            #expect(error.errors.map(\.field) == [field])
        }
    }

    @Test func reportsEveryProblemAtOnce() {
        do {
            _ = try PatientInput().validate(today: self.today)
            Issue.record("an empty patient was accepted")
        } catch {
            #expect(Set(error.errors.map(\.field)) == ["givenName", "familyName", "dateOfBirth", "sex"])
        }
    }

    @Test func nonLatinAndPunctuatedNamesAreAccepted() throws {
        for (given, family) in [("Ιωάννα", "Παππά"), ("美咲", "佐藤"), ("Renée", "O'Connor-Ng"), ("\"Z\" <b>&", "<script>")] {
            var input = self.valid()
            input.givenName = given
            input.familyName = family
            #expect(try input.validate(today: self.today).familyName == family)
        }
    }

    @Test func searchKeyFoldsCaseAndAccents() {
        #expect(Text.searchKey("Ångström") == "angstrom")
        #expect(Text.searchKey("ZOË") == "zoe")
        #expect(Text.searchKey("Núñez") == "nunez")
        #expect(PatientQuery(name: "Ång, ZO").nameTerms == ["ang", "zo"])
    }

    @Test func queryParsingNamesBadFields() {
        #expect(throws: ValidationFailure.self) {
            try PatientQuery.parse(q: nil, dob: "1980-13-01", record: nil, phone: nil, page: nil, perPage: nil, includeInactive: false)
        }
        do {
            _ = try PatientQuery.parse(q: nil, dob: nil, record: nil, phone: "1", page: "0", perPage: "1000", includeInactive: false)
        } catch {
            #expect(Set(error.errors.map(\.field)) == ["phone", "page", "perPage"])
        }
        let q = try? PatientQuery.parse(q: " o'br ", dob: "1980-02-29", record: "kw-000001", phone: "(555) 010", page: "2", perPage: "10", includeInactive: true)
        #expect(q?.recordNumber == "KW-000001")
        #expect(q?.phoneDigits == "555010")
        #expect(q?.page == 2)
    }

    @Test func recordNumbersAreSequential() {
        #expect(Patient.recordNumber(sequence: 1) == "KW-000001")
        #expect(Patient.recordNumber(sequence: 1_234_567) == "KW-1234567")
    }
}
