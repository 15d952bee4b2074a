# The pages: what agents and customers read in the web UI.

ui-skip-to-content = Skip to content
ui-nav-label = Sections
ui-nav-queue = Queue
ui-nav-portal = My tickets
ui-nav-new = New ticket
ui-nav-regulation = Support regulation
ui-sign-out = Sign out
ui-close = Close
ui-live-updated = Page updated: a ticket changed.
ui-apply = Apply
ui-why = Reason

ui-sign-in-title = Sign in to support
ui-sign-in-email = Email
ui-sign-in-password = Password
ui-sign-in-submit = Sign in
ui-sign-in-hint = For support staff and customers. Terms of service:
ui-sign-in-wrong = Wrong email or password.
ui-sign-in-busy = The server is busy checking other sign-ins. Try again in a few seconds.
ui-sign-in-expired = The sign-in form has expired. Enter your password again.

ui-error-title = Something went wrong
ui-error-not-found = Not found
ui-error-not-found-text = There is no such page or ticket, or you have no access to it.
ui-error-forbidden = Forbidden
ui-error-unavailable = Temporarily unavailable
ui-error-unavailable-text = The database is not answering. Try again in a minute; nothing you entered was saved.
ui-error-internal = Internal server error. It has been logged.
ui-error-signed-out = Your session has ended. Sign in again.
ui-error-home = Home

ui-queue-title = Ticket queue
ui-queue-views = Views
ui-queue-mine = Mine
ui-queue-line = My line
ui-queue-all = All
ui-queue-caption = Tickets: out-of-turn first, then by the nearest deadline
ui-queue-empty = No tickets.
ui-queue-due-breached = Breached
ui-queue-due-today = Due today
ui-queue-bad-view = There is no view “{ $view }”: there are “mine”, “line” and “all”.
ui-queue-bad-filter = The filter “{ $field }” is not valid.
ui-search = Search
ui-search-hint = Words from the subject, description or messages, or a ticket number
ui-search-results = Results for
ui-search-nothing = Nothing found. Try other words.
ui-filter-any = Any
ui-filter-closed = Include closed
ui-filter-apply = Show
ui-filter-reset = Reset
ui-col-number = Number
ui-col-subject = Subject
ui-col-left = Left
ui-col-due = Due
ui-col-received = Received
ui-left-breached = overdue by
ui-out-of-turn = out of turn
ui-pager = Pages
ui-pager-prev = Previous
ui-pager-next = Next

ui-field-status = Status
ui-field-priority = Priority
ui-field-level = Level
ui-field-line = Line
ui-field-organization = Organization
ui-field-category = Category
ui-field-assignee = Assignee
ui-field-due = Deadline

ui-keys-title = Keyboard shortcuts
ui-keys-move = move down and up the list
ui-keys-open = open the ticket
ui-keys-search = go to search
ui-keys-reply = write a reply
ui-keys-help = this help

ui-ticket-description = Description
ui-ticket-attachments = Attachments
ui-ticket-timeline = History
ui-ticket-clocks = Deadlines
ui-ticket-no-clocks = No deadlines run on this ticket.
ui-clock-explain = How the deadline was counted
ui-clock-pending = not started
ui-clock-running = running
ui-clock-paused = paused
ui-clock-met = met
ui-clock-breached = breached
ui-clock-cancelled = cancelled

ui-card-title = Customer
ui-card-contract = Contract
ui-card-tariff = Tariff
ui-card-contact = Contact
ui-card-products = Products
ui-card-manager = Account manager
ui-card-programmer = Programmer
ui-card-received = Received
ui-contact-trusted = trusted
ui-contact-owner = owner

ui-reply-title = Reply to the customer
ui-reply-title-customer = Write to support
ui-reply-body = Message
ui-reply-send = Send reply
ui-note-send = Internal note
ui-attach-files = Attach files
ui-upload-cap = At most

ui-completion-title = The work is done
ui-confirm = Confirm completion
ui-object-reason = What is not done
ui-object = Send back to work
ui-rate-legend = Rate the support
ui-rate-comment = Comment
ui-rate = Rate
ui-stars = { $stars ->
    [one] { $stars } star
   *[other] { $stars } stars
}

ui-actions-title = Actions
ui-status-reason = Reason for deferral or rejection
ui-assign = Assign
ui-hand-over = Hand over to line
ui-extend-target = Deadline
ui-extend-by = Extend by
ui-extend = Extend deadline
ui-log-activity = Activity
ui-log-minutes = Minutes
ui-log-description = What was done
ui-log-time = Log time
ui-merge-into = Merge into ticket (number)
ui-merge = Merge
ui-merge-confirm = This ticket will be closed as a duplicate. Continue?
ui-reopen = Reopen

ui-done-reply = Reply sent.
ui-done-note = Note saved.
ui-done-status = Status changed.
ui-done-priority = Priority changed.
ui-done-level = Level changed.
ui-done-assign = Assignee set.
ui-done-hand_over = Handed over to another line.
ui-done-extend = Deadline extended.
ui-done-log_time = Time logged.
ui-done-confirm = Thank you! Completion confirmed.
ui-done-object = The ticket is back in work.
ui-done-rate = Thank you for your rating.
ui-done-reopen = Ticket reopened.
ui-done-merge = Tickets merged.
ui-done-attach = Files attached.
ui-done-filed = Ticket received.

ui-form-required = Fill in “{ $field }”.
ui-form-minutes = Minutes are a whole number from 1 to 1440.
ui-form-stars = A rating is 1 to 5 stars.
ui-form-no-such-ticket = There is no ticket “{ $ticket }” you can see. Give its number, such as 2026-00001.
ui-form-ticket = Give the ticket number in digits.
ui-form-unknown-op = Unknown action “{ $op }”.
ui-form-broken = The form arrived broken: { $detail }
ui-form-too-long = The form's text is too long: at most 1 MB.

ui-portal-title = Your organization's tickets
ui-portal-open = Open
ui-portal-all = All
ui-portal-empty = No tickets. File one with “New ticket”.
ui-new-title = New ticket
ui-new-intro = Describe the problem in as much detail as you can. Response and resolution times are in the
ui-new-deadlines = Deadlines under the regulation if sent now
ui-new-no-category = No category
ui-new-submit = Send ticket

ui-actor-system = Reglament
ui-actor-support = Support
ui-actor-customer = Customer
ui-actor-integration = Integration
ui-event-received = Ticket received: { $channel }
ui-event-registered = Registered as { $number }
ui-event-assigned = Assigned to { $agent }
ui-event-handed-over = Handed over to { $line }
ui-event-status = Status: { $status }
ui-event-status-reason = Status: { $status } ({ $reason })
ui-event-priority = Priority: { $priority } — { $reason }
ui-event-level = Level: { $level } — { $reason }
ui-event-reply = Support reply
ui-event-note = Internal note
ui-event-customer-message = Customer message
ui-event-time = Logged: { $activity }, { $duration }
ui-event-extended = Deadline “{ $target }” extended by { $by }
ui-event-rated = Rated { $stars ->
    [one] { $stars } star
   *[other] { $stars } stars
}
ui-event-reopened = Ticket reopened
ui-link-related = Linked to ticket #{ $ticket }
ui-link-split-into = Ticket #{ $ticket } was split off it
ui-link-split-from = Split off ticket #{ $ticket }
ui-link-merged-into = Merged into ticket #{ $ticket } as a duplicate
ui-link-merged-from = Ticket #{ $ticket } was merged into it
ui-link-follow-up-of = Follows up closed ticket #{ $ticket }
ui-link-followed-up-by = Followed up in ticket #{ $ticket }
ui-link-ticket = Link to ticket (number)
ui-link = Link
ui-split-subject = The new ticket's subject
ui-split-description = What goes into it
ui-split = Split into a new ticket
ui-done-link = Tickets linked.
ui-done-split = A new ticket was split off.
ui-event-attached = File attached: { $name } ({ $size })
ui-event-attachment-rejected = File not accepted: { $name }

ui-nav-admin = Directory
ui-admin-title = Directory
ui-admin-organizations = Organizations
ui-admin-agents = Staff
ui-admin-no-organizations = No organizations yet.
ui-admin-new-organization = New organization
ui-admin-org-name = Name
ui-admin-contract-from = Contract from
ui-admin-contract-to = Contract until
ui-admin-state-contract = State contract no.
ui-admin-create = Create
ui-admin-save = Save
ui-admin-saved = Saved.
ui-admin-details = Details
ui-admin-contacts = Contacts
ui-admin-no-contacts = No contacts yet.
ui-admin-new-contact = New contact
ui-admin-add-contact = Add
ui-admin-full-name = Full name
ui-admin-position = Position
ui-admin-phone = Phone
ui-admin-flags = Rights
ui-admin-password = Sign-in password
ui-admin-password-hint = At least { $min ->
    [one] { $min } character
   *[other] { $min } characters
}. Without one there is no sign-in, but tickets by mail and phone are still taken.
ui-admin-role = Role
ui-admin-state = State
ui-admin-active = active
ui-admin-inactive = deactivated
ui-admin-activate = activate
ui-admin-deactivate = deactivate
ui-admin-new-agent = New staff member
ui-role-agent = agent
ui-role-supervisor = supervisor
ui-role-admin = administrator
ui-admin-mail = Mail
ui-mail-intro = Messages waiting for an agent, and automatic messages set aside without a reply. Add the sender as a contact and read the message again — or discard it.
ui-mail-empty = The quarantine is empty.
ui-mail-from = From
ui-mail-raw = raw message
ui-mail-retry = read again
ui-mail-discard = discard
ui-mail-discard-confirm = The message leaves the quarantine (it stays archived). Continue?
ui-mail-done-opened = Read again: it opened a ticket.
ui-mail-done-joined = Read again: it joined a ticket.
ui-mail-done-held = Read again, and held again.
ui-mail-done-discarded = Message discarded.
