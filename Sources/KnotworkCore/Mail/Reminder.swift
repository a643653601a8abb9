import Foundation

/// The e-mail that reminds a patient of a visit (issue 13 §6). It says when and where, and how to change it: nothing
/// clinical (no clinician, kind of visit, reason or diagnosis), because e-mail is not a secure channel and may be read
/// by others in the household.
public enum AppointmentReminder {
    public static let kind = "appointment-reminder"
    /// The most hours ahead a clinic may remind (a week).
    public static let maxHours = 168

    /// "Tuesday 3 November 2026 at 09:00".
    public static func when(_ start: Date, clock: ClinicClock) -> String {
        let t = clock.local(start)
        let months = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]
        return "\(Weekday(t.date).label) \(t.date.day) \(months[t.date.month - 1]) \(t.date.year) at \(clock.timeOfDay(start))"
    }

    public static func draft(to address: String, start: Date, clock: ClinicClock, clinic: ClinicIdentity, reference: String) -> OutboxDraft {
        let name = clinic.legalName ?? "your clinic"
        var body = "This is a reminder of your appointment at \(name) on \(Self.when(start, clock: clock)) (\(clock.identifier) time).\n"
        if let address = clinic.addressLine1 { body += "\nAddress: \(address)\(clinic.city.map { ", \($0)" } ?? "")\n" }
        body += clinic.phone.map { "\nTo change or cancel it, please call \($0)." } ?? "\nTo change or cancel it, please contact the clinic."
        body += "\n\nThis message was sent automatically; replies are not read."
        return OutboxDraft(kind: Self.kind, to: address, subject: "Appointment reminder: \(Self.when(start, clock: clock))", body: body, reference: reference)
    }
}
