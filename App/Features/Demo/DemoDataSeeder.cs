using BlazorTickets.Data;
using BlazorTickets.Features.Customers;
using BlazorTickets.Features.Localization;
using BlazorTickets.Features.Tenants;
using BlazorTickets.Features.TextBlocks;
using BlazorTickets.Features.Tickets;
using BlazorTickets.Features.TimeTracking;
using BlazorTickets.Features.Users;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace BlazorTickets.Features.Demo;

public sealed record DemoSignIn(string Role, string Email, string Password);

/// <summary>Seeds one demo tenant on an empty database. Deterministic, so tests can rely on its shape.</summary>
/// Everything is written in one transaction: a start killed while seeding leaves an empty database, and the next
/// start seeds again from the beginning.
public sealed class DemoDataSeeder(
    IDbContextFactory<AppDbContext> dbFactory,
    UserManager<AppUser> userManager,
    IPasswordHasher<AppUser> passwordHasher,
    ILookupNormalizer normalizer,
    TimeProvider clock) : IDatabaseSeeder
{
    public const string Password = "Demo-2026!";
    public const int TicketCount = 200;
    public const string TenantName = "Contoso Shop";

    public static readonly IReadOnlyList<DemoSignIn> SignIns =
    [
        new("Admin", "admin@contoso.example", Password),
        new("Agent (Ticket-Support)", "anna@contoso.example", Password),
        new("Agent (Ticket-Support)", "ben@contoso.example", Password),
        new("Agent (Ticket-Support, Senior-Support)", "carla@contoso.example", Password),
        new("Team lead", "lena@contoso.example", Password),
        new("Billing clerk", "bill@contoso.example", Password),
        new("Customer (extranet)", "max.mustermann@fabrikam.example", Password),
        new("Customer (extranet)", "erika.muster@northwind.example", Password),
    ];

    public async Task<bool> SeedAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (await db.Set<Tenant>().AnyAsync(ct))
        {
            return false;
        }
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        // One hash for the one published password; hashing it per user would only slow down the first start.
        var passwordHash = passwordHasher.HashPassword(new AppUser(), Password);

        var now = clock.GetUtcNow().UtcDateTime;
        var random = new Random(20261126);

        var tenant = new Tenant
        {
            Name = TenantName,
            SenderAddress = "support@contoso.example",
            SenderName = "Contoso Support",
            Currency = "EUR",
            VatRate = 19m,
            QuoteNumberPrefix = "Q",
            TimeRoundingMinutes = 5,
        };
        db.Set<Tenant>().Add(tenant);
        // Saved first so its id exists for the customer emails, which copy it without a navigation.
        await db.SaveChangesAsync(ct);

        var groups = new Dictionary<string, UserGroup>
        {
            [Groups.TicketSupport] = new() { Name = Groups.TicketSupport, HourlyRate = 95.00m },
            [Groups.SeniorSupport] = new() { Name = Groups.SeniorSupport, HourlyRate = 120.00m },
            [Groups.Billing] = new() { Name = Groups.Billing, HourlyRate = 0m },
            [Groups.TeamLeads] = new() { Name = Groups.TeamLeads, HourlyRate = 110.00m },
            [Groups.Admins] = new() { Name = Groups.Admins, HourlyRate = 0m },
        };
        db.Set<UserGroup>().AddRange(groups.Values);
        AddTextBlocks(db, tenant);

        var customers = CreateCustomers(tenant, now);
        db.Set<Customer>().AddRange(customers);
        await db.SaveChangesAsync(ct);

        Task<AppUser> User(string email, string name, int? customerId, string? billingGroup, params string[] groupNames)
        {
            // Written through this context, not the UserManager's, so the users are part of the one transaction.
            var user = new AppUser
            {
                UserName = email,
                NormalizedUserName = normalizer.NormalizeName(email),
                Email = email,
                NormalizedEmail = normalizer.NormalizeEmail(email),
                EmailConfirmed = true,
                PasswordHash = passwordHash,
                SecurityStamp = Guid.NewGuid().ToString("N"),
                ConcurrencyStamp = Guid.NewGuid().ToString(),
                LockoutEnabled = true,
                DisplayName = name,
                CustomerId = customerId,
                BillingGroupId = billingGroup is null ? null : groups[billingGroup].Id,
                Signature = customerId is null ? $"{name}\nContoso Support" : "",
            };
            db.Users.Add(user);
            foreach (var groupName in groupNames)
            {
                db.Set<UserGroupMembership>().Add(new UserGroupMembership { User = user, UserId = user.Id, GroupId = groups[groupName].Id });
            }
            return Task.FromResult(user);
        }

        await User("admin@contoso.example", "Alex Admin", null, Groups.Admins, Groups.Admins);
        var anna = await User("anna@contoso.example", "Anna Agent", null, Groups.TicketSupport, Groups.TicketSupport);
        var ben = await User("ben@contoso.example", "Ben Berger", null, Groups.TicketSupport, Groups.TicketSupport);
        var carla = await User("carla@contoso.example", "Carla Senior", null, Groups.SeniorSupport, Groups.TicketSupport, Groups.SeniorSupport);
        await User("lena@contoso.example", "Lena Lead", null, Groups.TeamLeads, Groups.TeamLeads);
        await User("bill@contoso.example", "Bill Billing", null, Groups.Billing, Groups.Billing);
        await User("max.mustermann@fabrikam.example", "Max Mustermann", customers[0].Id, null);
        await User("erika.muster@northwind.example", "Erika Muster", customers[1].Id, null);
        await db.SaveChangesAsync(ct);

        AppUser[] agents = [anna, ben, carla];
        var tickets = CreateTickets(tenant, customers, agents, now, random);
        db.Set<Ticket>().AddRange(tickets);
        await db.SaveChangesAsync(ct);

        foreach (var ticket in tickets.Where(t => t.TimeTrackingAllowed && t.HandlerId is not null && t.Status != TicketStatus.New))
        {
            var entries = random.Next(1, 4);
            for (var i = 0; i < entries; i++)
            {
                var start = ticket.CreatedAt.AddHours(2 + i * 5);
                var minutes = 15 * random.Next(1, 9);
                db.Set<TimeEntry>().Add(new TimeEntry
                {
                    TicketId = ticket.Id,
                    UserId = ticket.HandlerId!,
                    Start = start,
                    End = start.AddMinutes(minutes),
                    Minutes = minutes,
                    Note = WorkNotes[random.Next(WorkNotes.Length)],
                    Billable = random.Next(10) > 0,
                    CreatedAt = start.AddMinutes(minutes),
                });
            }
        }
        db.Set<Counter>().Add(new Counter { Name = Sequences.TicketNumber, Value = tickets.Max(t => t.Number) });
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return true;
    }

    /// <summary>The demo sign-ins that work in this database: the login exists and still has the demo password.</summary>
    public async Task<IReadOnlyList<DemoSignIn>> WorkingSignInsAsync()
    {
        var working = new List<DemoSignIn>();
        foreach (var signIn in SignIns)
        {
            if (await userManager.FindByEmailAsync(signIn.Email) is { } user && await userManager.CheckPasswordAsync(user, signIn.Password))
            {
                working.Add(signIn);
            }
        }
        return working;
    }

    private static void AddTextBlocks(AppDbContext db, Tenant tenant)
    {
        db.Set<TextBlock>().AddRange(
            new TextBlock
            {
                Tenant = tenant,
                Key = TextBlockKeys.ContactReplyCustomer,
                Name = "Contact: reply to customer",
                Subject = "{{subject}}",
                Body = "{{message}}\n\n{{signature}}\n\nTicket {{ticket_number}} · please keep the ticket number in the subject when you reply.\n\n{{quoted_original}}",
            },
            new TextBlock
            {
                Tenant = tenant,
                Key = "reply.thanks",
                Name = "Thank you, we are on it",
                IsReplyTemplate = true,
                Body = "Dear {{customer_name}},\n\nthank you for your message. We are working on ticket {{ticket_number}} and expect to finish it by {{expected_date}}.\n\nKind regards\n{{agent_name}}",
            },
            new TextBlock
            {
                Tenant = tenant,
                Key = "reply.need-info",
                Name = "We need more information",
                IsReplyTemplate = true,
                Body = "Dear {{customer_name}},\n\nto continue with ticket {{ticket_number}} we need a little more information: \n\nKind regards\n{{agent_name}}",
            },
            new TextBlock
            {
                Tenant = tenant,
                Key = "reply.solved",
                Name = "Solved",
                IsReplyTemplate = true,
                Body = "Dear {{customer_name}},\n\nwe have solved ticket {{ticket_number}}. If anything is still not right, just reply to this mail.\n\nKind regards\n{{agent_name}}",
            });
    }

    private static List<Customer> CreateCustomers(Tenant tenant, DateTime now)
    {
        (string Name, string Company, string Email)[] people =
        [
            ("Max Mustermann", "Fabrikam GmbH", "max.mustermann@fabrikam.example"),
            ("Erika Muster", "Northwind Traders", "erika.muster@northwind.example"),
            ("Jonas Becker", "Becker Bau", "jonas@becker-bau.example"),
            ("Sofia Rossi", "Rossi Design", "sofia@rossi-design.example"),
            ("Liam O'Brien", "Tailspin Toys", "liam.obrien@tailspin.example"),
            ("Mia Schneider", "Schneider & Partner", "mia@schneider-partner.example"),
            ("Noah Fischer", "Fischer IT", "noah@fischer-it.example"),
            ("Emma Weber", "Weber Logistik", "emma.weber@weber-logistik.example"),
            ("Lukas Wagner", "Wagner Autohaus", "l.wagner@wagner-auto.example"),
            ("Hannah Hoffmann", "Adventure Works", "hannah@adventure-works.example"),
            ("Paul Schäfer", "Schäfer Bäckerei", "paul@schaefer-baeckerei.example"),
            ("Lea Koch", "Koch Consulting", "lea.koch@koch-consulting.example"),
            ("Ben Richter", "Richter Rechtsanwälte", "b.richter@richter-ra.example"),
            ("Clara Klein", "Klein Kosmetik", "clara@klein-kosmetik.example"),
            ("Elias Wolf", "Wolf Outdoor", "elias@wolf-outdoor.example"),
            ("Lina Neumann", "Neumann Medien", "lina@neumann-medien.example"),
            ("Felix Schwarz", "Litware Inc.", "felix.schwarz@litware.example"),
            ("Marie Zimmermann", "Zimmermann Immobilien", "marie@zimmermann-immo.example"),
            ("Anton Braun", "Braun Elektro", "anton@braun-elektro.example"),
            ("Ida Krüger", "Wide World Importers", "ida.krueger@wideworld.example"),
        ];
        return people.Select((p, i) => new Customer
        {
            Tenant = tenant,
            TenantId = tenant.Id,
            CustomerNumber = $"C-{1001 + i}",
            Name = p.Name,
            Company = p.Company,
            Address = $"{10 + i} Main Street\n{10115 + i * 7} Berlin",
            CreatedAt = now.AddDays(-400 + i),
            Emails = [new CustomerEmail { Address = p.Email, TenantId = tenant.Id }],
        }).ToList();
    }

    private static List<Ticket> CreateTickets(Tenant tenant, List<Customer> customers, AppUser[] agents, DateTime now, Random random)
    {
        var statuses = Enum.GetValues<TicketStatus>();
        var tickets = new List<Ticket>(TicketCount);
        for (var i = 0; i < TicketCount; i++)
        {
            var customer = customers[random.Next(customers.Count)];
            var (subject, question) = Topics[random.Next(Topics.Length)];
            var status = statuses[i % statuses.Length];
            // At least two days back, so the follow-up messages (up to 40 h later) are in the past too.
            var created = now.AddDays(-random.Next(2, 90)).AddMinutes(-random.Next(0, 24 * 60));
            var handler = status == TicketStatus.New || random.Next(8) == 0 ? null : agents[random.Next(agents.Length)];
            var ticket = new Ticket
            {
                Number = 1001 + i,
                Subject = subject,
                Status = status,
                HandlerId = handler?.Id,
                CustomerId = customer.Id,
                TenantId = tenant.Id,
                TimeTrackingAllowed = random.Next(4) > 0,
                CustomerNote = status == TicketStatus.InProgress ? "We are working on it and will get back to you." : "",
                InternalNote = random.Next(5) == 0 ? "Customer prefers a phone call before changes go live." : "",
                ExpectedDate = status == TicketStatus.Closed || random.Next(3) == 0 ? null : DateOnly.FromDateTime(now.AddDays(random.Next(-10, 30))),
                EstimatedEffortHours = random.Next(3) == 0 ? null : random.Next(1, 17) * 0.5m,
                CreatedAt = created,
                UpdatedAt = created,
                UpdatedBy = Text.Of("Demo data"),
            };
            if (handler is not null && random.Next(4) == 0)
            {
                var watcher = agents.First(a => a != handler);
                ticket.Watchers.Add(new TicketWatcher { UserId = watcher.Id });
            }
            if (random.Next(10) == 0)
            {
                var other = customers[(customers.IndexOf(customer) + 1) % customers.Count];
                ticket.AssignedCustomers.Add(new TicketAssignedCustomer { CustomerId = other.Id });
            }

            var email = customer.Emails[0].Address;
            var messageTime = created;
            ticket.Messages.Add(new TicketMessage
            {
                Direction = MessageDirection.Inbound,
                From = $"{customer.Name} <{email}>",
                To = tenant.SenderAddress,
                Subject = subject,
                Date = messageTime,
                TextBody = $"Hello,\n\n{question}\n\nBest regards\n{customer.Name}\n{customer.Company}",
                MessageId = $"<demo-{1001 + i}-1@{email.Split('@')[1]}>",
            });
            if (status is not TicketStatus.New and not TicketStatus.Open && handler is not null)
            {
                messageTime = messageTime.AddHours(random.Next(1, 20));
                ticket.Messages.Add(new TicketMessage
                {
                    Direction = MessageDirection.InternalNote,
                    From = handler.DisplayName,
                    AuthorId = handler.Id,
                    Date = messageTime,
                    TextBody = "Checked the account; reproducible on our side.",
                });
                messageTime = messageTime.AddHours(random.Next(1, 20));
                ticket.Messages.Add(new TicketMessage
                {
                    Direction = MessageDirection.Outbound,
                    From = $"{tenant.SenderName} <{tenant.SenderAddress}>",
                    To = email,
                    AuthorId = handler.Id,
                    Subject = $"Re: {subject} [{Ticket.FormatNumber(ticket.Number)}]",
                    Date = messageTime,
                    TextBody = $"Dear {customer.Name},\n\nthank you, we are looking into it.\n\n{handler.DisplayName}",
                    MessageId = $"<ticket-{ticket.Number}-demo@contoso.example>",
                    InReplyTo = $"<demo-{1001 + i}-1@{email.Split('@')[1]}>",
                });
            }
            ticket.LastMessageAt = messageTime;
            ticket.UpdatedAt = messageTime;
            tickets.Add(ticket);
        }
        return tickets;
    }

    private static readonly string[] WorkNotes =
    [
        "Analysis", "Phone call with customer", "Configuration change", "Testing the fix", "Documentation",
    ];

    private static readonly (string Subject, string Question)[] Topics =
    [
        ("Invoice 2026-0412 shows the wrong VAT", "our invoice 2026-0412 shows 16 % VAT instead of 19 %. Could you send a corrected one?"),
        ("Cannot log in to the shop backend", "since this morning I cannot log in to the shop backend. The password reset mail does not arrive."),
        ("Order #88231 not delivered", "we ordered three items last week (order #88231) and have not received anything yet."),
        ("Printer on 2nd floor offline", "the printer on the second floor shows as offline for everyone since the update."),
        ("Request: new mailbox for trainee", "we have a new trainee starting on Monday and need a mailbox and a laptop for her."),
        ("Website contact form sends no mails", "the contact form on our website no longer sends mails to us. Customers complain."),
        ("Quote for 20 laptops", "could you send us a quote for 20 business laptops with docking stations?"),
        ("VPN disconnects every 10 minutes", "the VPN connection drops every ten minutes when working from home."),
        ("Backup failed tonight", "the nightly backup report says it failed with error 0x80070005."),
        ("Change delivery address", "please change the delivery address for all future orders to our new warehouse."),
        ("Return of damaged goods", "two of the chairs arrived damaged. How do we return them?"),
        ("SSL certificate expires soon", "our monitoring warns that the SSL certificate of shop.fabrikam.example expires in 10 days."),
        ("Newsletter looks broken in Outlook", "our newsletter template is broken in Outlook; the images are shifted."),
        ("Add user to shared calendar", "please give our new colleague access to the shared team calendar."),
        ("Payment by direct debit", "we would like to pay by direct debit from now on. What do you need from us?"),
    ];
}
