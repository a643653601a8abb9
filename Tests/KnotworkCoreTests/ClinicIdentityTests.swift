import Testing
@testable import KnotworkCore

/// The clinic's letterhead and a clinician's signature details: what is accepted, how it is written back, what is refused.
struct ClinicIdentityTests {
    @Test func aWholeIdentityIsCleanedAndNormalized() throws {
        let id = try ClinicIdentity.validated(ClinicIdentity(
            legalName: "  Lakeshore  Medical Massage LLC ", addressLine1: "200 W Example St", city: "Chicago", state: "il", postalCode: "606011234",
            phone: "(312) 555-0100", fax: "312-555-0101", npi: "1234 5678 93", taxID: "123456789"))
        #expect(id.legalName == "Lakeshore Medical Massage LLC" && id.state == "IL" && id.postalCode == "60601-1234")
        #expect(id.npi == "1234567893" && id.taxID == "12-3456789")
        #expect(id.addressLines == ["200 W Example St", "Chicago, IL 60601-1234"])
        #expect(try ClinicIdentity.validated(ClinicIdentity(legalName: " ", city: "")).isEmpty, "blank fields are unset")
    }

    @Test(arguments: [
        (ClinicIdentity(state: "XX"), "identity.state"),
        (ClinicIdentity(postalCode: "6060"), "identity.postalCode"),
        (ClinicIdentity(postalCode: "60601-12345"), "identity.postalCode"),
        (ClinicIdentity(phone: "call us"), "identity.phone"),
        (ClinicIdentity(npi: "1234567890"), "identity.npi"),  // wrong check digit (CMS: 123456789 → 3)
        (ClinicIdentity(npi: "12345"), "identity.npi"),
        (ClinicIdentity(taxID: "12-34567"), "identity.taxID"),
        (ClinicIdentity(legalName: String(repeating: "x", count: 121)), "identity.legalName"),
    ])
    func aBadFieldIsNamed(input: ClinicIdentity, field: String) {
        do {
            _ = try ClinicIdentity.validated(input)
            Issue.record("\(input) was accepted")
        } catch {
            #expect(error.errors.map(\.field) == [field])
        }
    }

    @Test func aProfileGivesTheLinesUnderTheSignature() throws {
        let p = try ClinicianProfile.validated(credentials: " LMT, BCTMB ", npi: "1234567893", signatureBlock: "IL LMT 227.000001\n\n  Lakeshore Medical Massage ")
        #expect(p.signatureLines(name: "Ana Lind") == ["Ana Lind, LMT, BCTMB", "NPI 1234567893", "IL LMT 227.000001", "Lakeshore Medical Massage"])
        #expect(ClinicianProfile().signatureLines(name: "Ana Lind") == ["Ana Lind"])
        for (npi, block, field) in [("1234567890", "", "npi"), ("", "1\n2\n3\n4\n5", "signatureBlock")] {
            do {
                _ = try ClinicianProfile.validated(credentials: nil, npi: npi, signatureBlock: block)
                Issue.record("\(npi) \(block) was accepted")
            } catch {
                #expect(error.errors.map(\.field) == [field])
            }
        }
    }
}
