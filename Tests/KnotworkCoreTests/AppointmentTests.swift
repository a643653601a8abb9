import Foundation
import Testing
@testable import KnotworkCore

/// The appointment book's rules as tables: which status moves a person may make, when two visits overlap, and the
/// booking limits (5–480 minutes, at most a day back and two years ahead; our choices, the reference is silent).
@Suite struct AppointmentRuleTests {
    static let now = Date(timeIntervalSince1970: 1_790_000_000) // 2026-09-21T14:13:20Z
    static let ana = UUID()

    @Test(arguments: [
        (AppointmentStatus.booked, AppointmentStatus.arrived, true), (.booked, .cancelled, true), (.booked, .noShow, true),
        (.booked, .completed, false), (.booked, .booked, false),
        (.arrived, .booked, true), (.arrived, .cancelled, true), (.arrived, .completed, false), (.arrived, .noShow, false),
        (.completed, .booked, false), (.completed, .cancelled, false), (.cancelled, .booked, false), (.cancelled, .arrived, false),
        (.noShow, .booked, false), (.noShow, .arrived, false),
    ])
    func statusMoves(from: AppointmentStatus, to: AppointmentStatus, allowed: Bool) {
        #expect(from.mayMove(to: to) == allowed)
    }

    @Test(arguments: [
        // (start offset in minutes from 09:00, minutes, overlaps the 09:00–10:00 visit)
        (-60, 60, false), (-30, 60, true), (0, 60, true), (15, 15, true), (59, 30, true), (60, 30, false), (-90, 30, false), (-30, 120, true),
    ])
    func overlaps(offset: Int, minutes: Int, expected: Bool) {
        let nine = Date(timeIntervalSince1970: 1_790_067_600) // 2026-09-22T09:00:00Z
        let booked = Appointment(clinicianID: Self.ana, start: nine, minutes: 60, kind: .session)
        let asked = Appointment(clinicianID: Self.ana, start: nine.addingTimeInterval(TimeInterval(offset * 60)), minutes: minutes, kind: .session)
        #expect(booked.overlaps(start: asked.start, end: asked.end) == expected)
        #expect((try? asked.refusingOverlap(with: [booked], clock: .utc)) == nil ? expected : !expected)
    }

    static let day: TimeInterval = 86_400
    static let limits: [(TimeInterval, Int, String?)] = [
        (-Self.day + 60, 60, nil), (-Self.day - 60, 60, "start"), (2 * 366 * Self.day + 60, 60, "start"),
        (3600, 4, "minutes"), (3600, 5, nil), (3600, 480, nil), (3600, 481, "minutes"), (3600, -60, "minutes"),
    ]

    @Test(arguments: Self.limits)
    func bookingLimits(offset: TimeInterval, minutes: Int, field: String?) {
        let input = AppointmentInput(clinicianId: Self.ana, start: Self.now.addingTimeInterval(offset), minutes: minutes)
        do {
            let visit = try input.validated(now: Self.now, clinicians: [Self.ana])
            #expect(field == nil && visit.kind == .session)
        } catch {
            #expect(error.errors.map(\.field) == [field].compactMap { $0 })
        }
    }

    @Test func aCancellationSaysWhyAndTheClockReadsInTheClinicsZone() throws {
        #expect(throws: ValidationFailure.self) { try AppointmentStatusChange(status: "cancelled").validated(from: .booked) }
        let (status, reason) = try AppointmentStatusChange(status: "cancelled", reason: "  Flu  ").validated(from: .booked)
        #expect(status == .cancelled && reason == "Flu")
        // A visit whose note is started only completes, by the note's signature.
        #expect(throws: ValidationFailure.self) { try AppointmentStatusChange(status: "cancelled", reason: "Flu").validated(from: .arrived, noteStarted: true) }
        #expect(ClinicClock.utc.text(Self.now) == "2026-09-21 14:13")
        #expect(ClinicClock(identifier: "America/Chicago")!.text(Self.now) == "2026-09-21 09:13")
    }
}
