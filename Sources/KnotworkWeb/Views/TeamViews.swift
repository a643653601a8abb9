import Foundation
import KnotworkCore
import KnotworkStore
import Plot

/// The care team's page on the chart: who is on the team, and the team notes, newest first, with a form to add one.
enum TeamViews {
    typealias V = AssessmentViews

    /// Which form the errors and typed values belong to.
    enum Form { case note, task, message, conference }

    static func page(_ t: TeamNoteActions.TeamPage, viewer: User, csrf: String?, errors: [FieldError], form: Form?, typed: FormFields?,
                     today: CalendarDate) -> Node<HTML.BodyContext> {
        let pid = t.patient.id
        let noteErrors = form == .note ? errors : [], taskErrors = form == .task ? errors : [], messageErrors = form == .message ? errors : []
        let text = form == .note ? typed?["text"] : nil
        return .group(
            .div(.class("page-title"), .h1(txt("Care team · " + t.patient.displayName))),
            SafetyViews.banner(t.safety, patientID: pid, viewer: viewer, csrf: csrf),
            V.chartNav(pid, current: .team),
            .section(.id("team-members"), .h2(.text("Team")),
                .ul(.forEach(t.team) { m in
                    .li(txt(m.user.displayName + " · " + (Discipline(role: m.user.role)?.label ?? m.user.role.label) + (m.isPrimary ? " · primary" : "")))
                })),
            Self.tasks(t, csrf: csrf, errors: taskErrors, typed: form == .task ? typed : nil, today: today),
            Self.messages(t, csrf: csrf, errors: messageErrors, typed: form == .message ? typed : nil),
            Self.conferences(t, csrf: csrf, errors: form == .conference ? errors : [], typed: form == .conference ? typed : nil),
            .section(.id("team-note-new"), .h2(.text("Add a team note")),
                .p(.class("hint"), .text("For the rest of the team: findings, updates, instructions. Signed and locked when saved; not a treatment session and not billed.")),
                errorSummary(noteErrors),
                .form(.id("team-note-form"), .method(.post), .action(Paths.teamNotes(pid)), csrfField(csrf),
                      V.textarea("text", "text", "Note", value: text, errors: noteErrors, rows: 4),
                      .button(.id("team-note-save"), .type(.submit), .class("primary"), .text("Sign and add the note")))),
            .section(.id("team-notes"), .h2(.text("Team notes")),
                .if(t.notes.isEmpty, .p(.text("No team note yet."))),
                .ol(.class("timeline"), .forEach(t.notes) { n, body in
                    .li(.id("note-" + n.id.uuidString.lowercased()),
                        .p(.strong(txt(n.authorName + (body.discipline.map { " · " + $0.label } ?? ""))),
                           txt(" · " + (n.signedAt.map(ClinicTime.clock.text) ?? "") + " · signed")),
                        .p(.class("narrative"), txt(body.text)))
                }))
        )
    }

    static func tasks(_ t: TeamNoteActions.TeamPage, csrf: String?, errors: [FieldError], typed: FormFields?, today: CalendarDate) -> Node<HTML.BodyContext> {
        let pid = t.patient.id
        let names = Dictionary(t.team.map { ($0.user.id, $0.user.displayName) }, uniquingKeysWith: { a, _ in a })
        return .section(.id("tasks"), .h2(.text("Tasks")),
            .if(t.tasks.isEmpty, .p(.text("No task."))),
            .if(!t.tasks.isEmpty, .div(.class("table-wrap"), .table(.id("patient-tasks"),
                .thead(.tr(.th("Task"), .th("For"), .th("Due"), .th("Set by"), .th("State"))),
                .tbody(.forEach(t.tasks) { task in
                    .tr(.class(task.isOverdue(on: today) ? "overdue" : ""),
                        .td(.strong(txt(task.title)), .if(!task.detail.isEmpty, .p(.class("hint"), txt(task.detail)))),
                        .td(txt(task.assigneeID.flatMap { names[$0] } ?? "The care team")),
                        .td(txt((task.dueOn?.description ?? "–") + (task.isOverdue(on: today) ? " (overdue)" : ""))),
                        .td(txt(task.createdByName ?? "Safety screen")),
                        .td(task.completedAt.map { .text("Done " + ClinicTime.clock.text($0)) } ?? .form(
                            .method(.post), .action(Paths.completeTask(pid, task.id)), .class("inline"), csrfField(csrf),
                            .button(.type(.submit), .attribute(named: "aria-label", value: esc("Mark done: " + task.title)), .text("Mark done")))))
                })))),
            .h3(.text("New task")),
            errorSummary(errors),
            .form(.id("task-form"), .method(.post), .action(Paths.tasks(pid)), csrfField(csrf),
                  V.input("title", "title", "Task", value: typed?["title"], errors: errors),
                  V.select("assigneeId", "assigneeId", "For", options: [("", "Choose a team member")] + t.team.map { ($0.user.id.uuidString.lowercased(), $0.user.displayName) },
                           selected: typed?["assigneeId"], errors: errors),
                  V.input("dueOn", "dueOn", "Due date", value: typed?["dueOn"], errors: errors, type: .date),
                  V.textarea("detail", "detail", "Detail", value: typed?["detail"], errors: errors, rows: 2),
                  .button(.id("task-save"), .type(.submit), .class("primary"), .text("Set the task"))))
    }

    static func messages(_ t: TeamNoteActions.TeamPage, csrf: String?, errors: [FieldError], typed: FormFields?) -> Node<HTML.BodyContext> {
        let pid = t.patient.id
        return .section(.id("messages"), .h2(.text("Messages")),
            .p(.class("hint"), .text("Secure messages between the patient's care team, kept in Knotwork: nothing about them is sent outside.")),
            .if(t.threads.isEmpty, .p(.text("No message yet."))),
            .ul(.id("threads"), .forEach(t.threads) { th in
                .li(.a(.href(Paths.thread(pid, th.id)), txt(th.subject)), txt(" · " + ClinicTime.clock.text(th.lastMessageAt)),
                    .if(th.unread, .strong(.class("unread"), .text(" · new"))))
            }),
            .h3(.text("New message")),
            errorSummary(errors),
            .form(.id("message-form"), .method(.post), .action(Paths.messages(pid)), csrfField(csrf),
                  V.input("subject", "subject", "Subject", value: typed?["subject"], errors: errors),
                  V.textarea("body", "body", "Message", value: typed?["body"], errors: errors, rows: 3),
                  .button(.id("message-send"), .type(.submit), .class("primary"), .text("Send to the team"))))
    }

    static func thread(_ patient: Patient, _ thread: MessageThread, _ messages: [Message], csrf: String?, errors: [FieldError], typed: String?) -> Node<HTML.BodyContext> {
        .group(
            .div(.class("page-title"), .h1(txt(thread.subject + " · " + patient.displayName))),
            V.chartNav(patient.id, current: .team),
            .ol(.id("thread-messages"), .class("timeline"), .forEach(messages) { m in
                .li(.p(.strong(txt(m.authorName)), txt(" · " + ClinicTime.clock.text(m.createdAt))), .p(.class("narrative"), txt(m.body)))
            }),
            .h2(.text("Reply")),
            errorSummary(errors),
            .form(.id("reply-form"), .method(.post), .action(Paths.thread(patient.id, thread.id)), csrfField(csrf),
                  V.textarea("body", "body", "Message", value: typed, errors: errors, rows: 3),
                  .button(.id("reply-send"), .type(.submit), .class("primary"), .text("Send")))
        )
    }

    /// The worklist's threads with something new, across the caller's patients.
    static func unread(_ threads: [MessageThread]) -> Node<HTML.BodyContext> {
        .section(.id("unread-messages"), .h2(.text("New messages")),
            .if(threads.isEmpty, .p(.text("None."))),
            .ul(.forEach(threads) { th in
                .li(.a(.href(Paths.thread(th.patientID, th.id)), txt(th.subject)), txt(" · " + (th.patientName ?? "") + " · " + ClinicTime.clock.text(th.lastMessageAt)))
            }))
    }

    static let decisionRows = 3

    static func conferences(_ t: TeamNoteActions.TeamPage, csrf: String?, errors: [FieldError], typed: FormFields?) -> Node<HTML.BodyContext> {
        let pid = t.patient.id
        let chosen = Set(typed?.list("attendeeIds") ?? [])
        let members: [(String, String)] = [("", "Nobody: a decision without a task")] + t.team.map { ($0.user.id.uuidString.lowercased(), $0.user.displayName) }
        return .section(.id("case-conferences"), .h2(.text("Case conferences")),
            .if(t.conferences.isEmpty, .p(.text("No case conference yet."))),
            .ol(.class("timeline"), .forEach(t.conferences) { n, c in
                .li(.id("note-" + n.id.uuidString.lowercased()),
                    .p(.strong(txt(n.signedAt.map(ClinicTime.clock.text) ?? "")), txt(" · " + c.attendees.joined(separator: ", "))),
                    .p(.class("narrative"), txt(c.discussion)),
                    .if(!c.decisions.isEmpty, .ul(.forEach(c.decisions) { d in .li(txt(d.text + (d.assigneeID == nil ? "" : " (task set)"))) })))
            }),
            .h3(.text("Record a case conference")),
            errorSummary(errors),
            .form(.id("conference-form"), .method(.post), .action(Paths.patient(pid) + "/case-conferences"), csrfField(csrf),
                  .fieldset(legend("Attendees"), .forEach(t.team) { m in
                      let id = m.user.id.uuidString.lowercased()
                      return .div(.class("field checkbox"),
                                  .input(.type(.checkbox), .id("attendee-" + id), .name("attendeeIds"), .value(id), .checked(chosen.contains(id))),
                                  .label(.for("attendee-" + id), txt(m.user.displayName)))
                  }, .forEach(errors.filter { $0.field == "attendeeIds" }) { e in .p(.class("error"), txt(e.message)) }),
                  V.textarea("discussion", "discussion", "Discussion", value: typed?["discussion"], errors: errors, rows: 3),
                  .forEach(0..<Self.decisionRows) { i in
                      let p = "decisions[\(i)]"
                      return .fieldset(.class("decision-row"), legend("Decision \(i + 1)"),
                          V.input("\(p).text", "\(p)[text]", "Decision", value: typed?["\(p)[text]"], errors: errors),
                          V.select("\(p).assigneeId", "\(p)[assigneeId]", "Task for", options: members, selected: typed?["\(p)[assigneeId]"], errors: errors),
                          V.input("\(p).dueOn", "\(p)[dueOn]", "Due date", value: typed?["\(p)[dueOn]"], errors: errors, type: .date))
                  },
                  .button(.id("conference-save"), .type(.submit), .class("primary"), .text("Sign the case conference"))))
    }
}
