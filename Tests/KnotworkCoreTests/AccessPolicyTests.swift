import Testing
@testable import KnotworkCore

/// Issue 2, item 4: the care-team access rule as a table of role × team membership × break-glass.
struct AccessPolicyTests {
    @Test(arguments: [
        // role, on team, break-glass, expected
        (Role.massageTherapist, true, false, PatientAccess.clinical),
        (.massageTherapist, false, false, .none),
        (.massageTherapist, false, true, .clinical),
        (.physicalTherapist, true, false, .clinical),
        (.physicalTherapist, false, false, .none),
        (.behavioralHealth, true, false, .clinical),
        (.behavioralHealth, false, false, .none),
        (.medicalProvider, true, false, .clinical),
        (.medicalProvider, false, true, .clinical),
        (.medicalProvider, false, false, .none),
        // Front desk: demographics of everyone, never the chart, not even on a team or by break-glass.
        (.frontDesk, false, false, .demographics),
        (.frontDesk, true, true, .demographics),
        // Administrator: manages accounts; the chart only through break-glass.
        (.admin, false, false, .demographics),
        (.admin, true, false, .demographics),
        (.admin, false, true, .clinical),
    ])
    func patientAccess(role: Role, onTeam: Bool, breakGlass: Bool, expected: PatientAccess) {
        #expect(AccessPolicy.patientAccess(role: role, onTeam: onTeam, breakGlass: breakGlass) == expected)
    }

    @Test func onlyIdentifiedUsersMayBreakGlass() {
        #expect(Role.allCases.filter(\.mayBreakGlass).sorted { $0.rawValue < $1.rawValue }
            == [.admin, .behavioralHealth, .massageTherapist, .medicalProvider, .physicalTherapist])
    }

    @Test func careTeamNeedsOnePrimaryMassageTherapist() {
        let t = User(id: .init(), username: "t", displayName: "T", role: .massageTherapist, active: true, createdAt: .distantPast)
        let pt = User(id: .init(), username: "p", displayName: "P", role: .physicalTherapist, active: true, createdAt: .distantPast)
        let desk = User(id: .init(), username: "d", displayName: "D", role: .frontDesk, active: true, createdAt: .distantPast)
        #expect(CareTeamRules.problems([]).isEmpty)
        #expect(CareTeamRules.problems([.init(user: t, isPrimary: true), .init(user: pt, isPrimary: false)]).isEmpty)
        #expect(CareTeamRules.problems([.init(user: t, isPrimary: false)]).map(\.field) == ["primary"])
        #expect(CareTeamRules.problems([.init(user: pt, isPrimary: true)]).map(\.field) == ["primary"])
        #expect(CareTeamRules.problems([.init(user: t, isPrimary: true), .init(user: desk, isPrimary: false)]).map(\.field) == ["members"])
        #expect(CareTeamRules.problems([.init(user: t, isPrimary: true), .init(user: t, isPrimary: false)]).map(\.field).contains("members"))
    }
}
