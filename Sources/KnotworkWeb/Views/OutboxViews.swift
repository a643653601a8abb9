import Foundation
import KnotworkCore
import KnotworkStore
import Plot

/// The administrator's outbox page: the relay, the queue by state, each message's attempts and last error, a test
/// message, and sending a failed or uncertain message again.
enum OutboxViews {
    static func page(_ overview: OutboxActions.Overview, relay: SMTPSettings?, status: OutboxStatus?, csrf: String?,
                     errors: [FieldError], to: String?) -> Node<HTML.BodyContext> {
        let relayText = relay.map { r in
            "Delivering through \(r.host):\(r.port) (\(r.security == .none ? "no encryption" : r.security == .tls ? "TLS" : "STARTTLS")) as \(r.from)."
        } ?? "No mail relay is configured (KNOTWORK_SMTP_HOST): messages wait here until one is."
        return .group(
            .h1("E-mail outbox"),
            .p(.id("relay"), txt(relayText)),
            .p(.class("hint"), .text("A message the server may already have taken (the connection ended after the message and before the reply) is "
                                     + "marked uncertain and never sent again by itself: check with the recipient, then send it again if it did not arrive.")),
            .nav(.attribute(named: "aria-label", value: "Messages by state"), .ul(.class("inline-list"),
                .li(.a(.href(Paths.adminOutbox), .if(status == nil, .attribute(named: "aria-current", value: "page")),
                       txt("All (\(overview.counts.values.reduce(0, +)))"))),
                .forEach(OutboxStatus.allCases) { s in
                    .li(.a(.href(Paths.adminOutbox + "?status=" + s.rawValue), .if(status == s, .attribute(named: "aria-current", value: "page")),
                           txt("\(s.label) (\(overview.counts[s] ?? 0))")))
                })),
            .if(overview.messages.isEmpty, .p(.text("No message."))),
            .if(!overview.messages.isEmpty, .div(.class("table-wrap"), .table(.id("outbox"),
                .thead(.tr(.th("Queued"), .th("Kind"), .th("To"), .th("Subject"), .th("State"), .th("Attempts"), .th("Next attempt or sent"),
                           .th("Last error"), .th(.span(.class("visually-hidden"), .text("Action"))))),
                .tbody(.forEach(overview.messages) { m in
                    .tr(.td(txt(ClinicTime.clock.text(m.createdAt))), .td(txt(m.kind)), .td(txt(m.to)), .td(txt(m.subject)),
                        .td(.class("status-" + m.status.rawValue), txt(m.status.label)), .td(txt(String(m.attempts))),
                        .td(txt((m.sentAt ?? (m.status == .pending ? m.nextAttemptAt : nil)).map(ClinicTime.clock.text) ?? "")),
                        .td(txt(m.lastError ?? "")),
                        .td(.if([.failed, .uncertain].contains(m.status), .form(
                            .method(.post), .action(Paths.adminOutboxRetry(m.id)), .class("inline"), csrfField(csrf),
                            .button(.type(.submit), .attribute(named: "aria-label", value: esc("Send again to " + m.to)), .text("Send again"))))))
                })))),
            .section(.id("test-message"),
                .h2("Send a test message"),
                .p(.class("hint"), .text("Checks the relay end to end. The message names who queued it and when, and carries no patient data.")),
                errorSummary(errors),
                .form(.id("test-form"), .method(.post), .action(Paths.adminOutboxTest), .attribute(named: "novalidate", value: nil, ignoreIfValueIsEmpty: false),
                      csrfField(csrf),
                      field("to", "Recipient", value: to, errors: errors, type: .email, required: true, autocomplete: "email"),
                      .button(.type(.submit), .class("primary"), .text("Queue test message"))))
        )
    }
}
