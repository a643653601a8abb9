import Foundation
import KnotworkCore
import KnotworkStore
import Plot

/// The account page's calendar feeds: make one (its address is shown once), see them, revoke one.
enum FeedViews {
    static func section(_ feeds: [CalendarFeed], newURL: String?, csrf: String?) -> Node<HTML.BodyContext> {
        .section(
            .id("calendar-feeds"),
            .h2(.text("Calendar feed")),
            .p(.class("hint"), .text("Subscribe to your visits in a calendar program. The address is a secret: anyone with it sees your visits' times "
                                     + "(and the patients' initials, if the clinic allows). It is shown once; revoke it if it is shared by mistake.")),
            .unwrap(newURL) { url in
                .div(.class("notice"), .attribute(named: "role", value: "status"),
                     .p(.text("Your new feed address (copy it now, it will not be shown again):")),
                     .p(.code(.id("new-feed-url"), txt(url))))
            },
            .if(!feeds.isEmpty, .div(.class("table-wrap"), .table(
                .id("feeds"),
                .thead(.tr(.th(.text("Made")), .th(.text("Status")))),
                .tbody(.forEach(feeds) { f in
                    .tr(.td(.text(ClinicTime.clock.text(f.createdAt))),
                        .td(.unwrap(f.revokedAt, { .text("Revoked " + ClinicTime.clock.text($0)) }, else: .form(
                            .method(.post), .action(Paths.revokeFeed(f.id)), csrfField(csrf),
                            .button(.id("revoke-feed-\(f.id.uuidString.lowercased())"), .type(.submit), .class("danger"), .text("Revoke"))))))
                })
            ))),
            .form(.id("feed-form"), .method(.post), .action(Paths.accountFeeds), csrfField(csrf),
                  .button(.id("make-feed"), .type(.submit), .class("primary"), .text("Make a feed address")))
        )
    }
}
