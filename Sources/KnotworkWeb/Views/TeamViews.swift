import Foundation
import KnotworkCore
import KnotworkStore
import Plot

/// The care team's page on the chart: who is on the team, and the team notes, newest first, with a form to add one.
enum TeamViews {
    typealias V = AssessmentViews

    static func page(_ t: TeamNoteActions.TeamPage, viewer: User, csrf: String?, errors: [FieldError], text: String?) -> Node<HTML.BodyContext> {
        let pid = t.patient.id
        return .group(
            .div(.class("page-title"), .h1(txt("Care team · " + t.patient.displayName))),
            SafetyViews.banner(t.safety, patientID: pid, viewer: viewer, csrf: csrf),
            V.chartNav(pid, current: .team),
            .section(.id("team-members"), .h2(.text("Team")),
                .ul(.forEach(t.team) { m in
                    .li(txt(m.user.displayName + " · " + (Discipline(role: m.user.role)?.label ?? m.user.role.label) + (m.isPrimary ? " · primary" : "")))
                })),
            .section(.id("team-note-new"), .h2(.text("Add a team note")),
                .p(.class("hint"), .text("For the rest of the team: findings, updates, instructions. Signed and locked when saved; not a treatment session and not billed.")),
                errorSummary(errors),
                .form(.id("team-note-form"), .method(.post), .action(Paths.teamNotes(pid)), csrfField(csrf),
                      V.textarea("text", "text", "Note", value: text, errors: errors, rows: 4),
                      .button(.id("team-note-save"), .type(.submit), .class("primary"), .text("Sign and add the note")))),
            .section(.id("team-notes"), .h2(.text("Team notes")),
                .if(t.notes.isEmpty, .p(.text("No team note yet."))),
                .ol(.class("timeline"), .forEach(t.notes) { n, body in
                    .li(.id("note-" + n.id.uuidString.lowercased()),
                        .p(.strong(txt(n.authorName + (body.discipline.map { " · " + $0.label } ?? ""))),
                           txt(" · " + (n.signedAt.map(AuditRecord.timestamp) ?? "") + " · signed")),
                        .p(.class("narrative"), txt(body.text)))
                }))
        )
    }
}
