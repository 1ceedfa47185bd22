using System.Security.Claims;
using BlazorTickets.Data;
using BlazorTickets.Features.Admin.Users;
using BlazorTickets.Features.Billing;
using BlazorTickets.Features.Customers;
using BlazorTickets.Features.Tenants;
using BlazorTickets.Features.Tickets;
using BlazorTickets.Features.TimeTracking;
using BlazorTickets.Features.Users;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BlazorTickets.Tests.Features.Users;

/// <summary>
/// A second tenant ("Fabrikam Services") next to the demo tenant, with a customer, a ticket with an attachment and
/// unbilled billable time, and a second ticket already billed on a draft quote.
/// </summary>
public sealed record ForeignTenant(int HomeTenantId, int TenantId, int CustomerId, int TicketId, int TicketNumber, int AttachmentId, int ImageId, int EntryId, int QuoteId, string QuoteNumber)
{
    public const string Subject = "Fabrikam confidential: payroll export fails";

    public static async Task<ForeignTenant> SeedAsync(IServiceProvider services)
    {
        var dbFactory = services.GetRequiredService<IDbContextFactory<AppDbContext>>();
        await using var db = await dbFactory.CreateDbContextAsync();
        var homeTenantId = await db.Set<Tenant>().Select(t => t.Id).SingleAsync();
        var annaId = await db.Users.Where(u => u.Email == "anna@contoso.example").Select(u => u.Id).SingleAsync();
        var number = await db.Set<Ticket>().MaxAsync(t => t.Number);
        var now = DateTime.UtcNow;

        var tenant = new Tenant { Name = "Fabrikam Services", SenderAddress = "help@fabrikam-services.example", SenderName = "Fabrikam Services", Currency = "EUR", VatRate = 19m, QuoteNumberPrefix = "FS" };
        var customer = new Customer { Tenant = tenant, CustomerNumber = "FS-1", Name = "Fiona Foreign", Company = "Foreign Corp", Address = "Elsewhere 1" };
        Ticket NewTicket(string subject) => new()
        {
            Number = ++number, Subject = subject, Status = TicketStatus.Open, Tenant = tenant, Customer = customer, HandlerId = annaId,
            TimeTrackingAllowed = true, CreatedAt = now, UpdatedAt = now,
        };
        var ticket = NewTicket(Subject);
        var billedTicket = NewTicket("Fabrikam: billed work");
        var attachment = new Attachment { FileName = "payroll.csv", ContentType = "text/csv", Content = "secret,1000"u8.ToArray(), Size = 11 };
        byte[] png = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0];
        var image = new Attachment { FileName = "logo.png", ContentType = "image/png", Content = png, Size = png.Length, ContentId = "logo@foreign" };
        ticket.Messages.Add(new TicketMessage
        {
            Direction = MessageDirection.Inbound, From = "fiona@foreign.example", Subject = Subject, Date = now, TextBody = "See attached.",
            Attachments = [attachment, image],
        });
        TimeEntry Entry(Ticket on) => new() { Ticket = on, UserId = annaId, Start = now.AddDays(-1), End = now.AddDays(-1).AddMinutes(90), Minutes = 90, Billable = true, CreatedAt = now };
        var entry = Entry(ticket);
        db.AddRange(tenant, customer, ticket, billedTicket, entry, Entry(billedTicket));
        await db.SaveChangesAsync();

        // Billed with nobody signed in: system work is unrestricted.
        await using var scope = services.CreateAsyncScope();
        var billed = await scope.ServiceProvider.GetRequiredService<BillingService>().BillAsync([billedTicket.Id], null);
        var quote = billed.Quotes.Single();
        return new ForeignTenant(homeTenantId, tenant.Id, customer.Id, ticket.Id, ticket.Number, attachment.Id, image.Id, entry.Id, quote.QuoteId, quote.Number);
    }

    /// <summary>Limits the user to the demo tenant through the admin service, as the user dialog does.</summary>
    public async Task LimitToHomeTenantAsync(IServiceProvider services, string email)
    {
        await using var scope = services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserAdminService>();
        var id = await UserIdAsync(services, email);
        var edit = (await users.GetAsync(id))!;
        edit.TenantIds = [HomeTenantId];
        var result = await users.UpdateAsync(edit);
        result.Succeeded.Should().BeTrue();
    }

    public static async Task<string> UserIdAsync(IServiceProvider services, string email)
    {
        await using var db = await services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        return await db.Users.Where(u => u.Email == email).Select(u => u.Id).SingleAsync();
    }

    /// <summary>The principal sign-in would give the user, from the app's own claims factory.</summary>
    public static async Task<ClaimsPrincipal> PrincipalAsync(IServiceProvider scopeServices, string email)
    {
        var userManager = scopeServices.GetRequiredService<UserManager<AppUser>>();
        var user = await userManager.FindByEmailAsync(email);
        return await scopeServices.GetRequiredService<IUserClaimsPrincipalFactory<AppUser>>().CreateAsync(user!);
    }
}
