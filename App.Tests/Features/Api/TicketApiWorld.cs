using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Text.Json;
using BlazorTickets.Features.Customers;
using BlazorTickets.Features.Tenants;
using BlazorTickets.Features.Tickets;
using BlazorTickets.Features.Users;
using BlazorTickets.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BlazorTickets.Tests.Features.Api;

/// <summary>
/// The demo desk (tenant Contoso) plus a second tenant with a ticket, a message and an attachment, and an agent limited
/// to Contoso: what the tenant isolation tests need. Made once per app.
/// </summary>
public sealed record TicketApiWorld(
    int ContosoId, int OtherTenantId, int OtherTicketId, int OtherMessageId, int OtherAttachmentId, int ContosoAttachmentId, int ContosoAttachmentTicketId)
{
    public const string LimitedAgent = "tina@contoso.example";
    public static readonly byte[] AttachmentBytes = [.. "<svg onload=alert(1)>"u8, .. Enumerable.Range(0, 500).Select(i => (byte)i)];

    private static readonly ConditionalWeakTable<AppFactory, Task<TicketApiWorld>> Worlds = [];

    public static Task<TicketApiWorld> OfAsync(AppFactory app)
    {
        lock (Worlds)
        {
            return Worlds.GetValue(app, CreateAsync);
        }
    }

    private static async Task<TicketApiWorld> CreateAsync(AppFactory app)
    {
        await using var db = await app.DbFactory.CreateDbContextAsync();
        var contoso = await db.Set<Tenant>().OrderBy(t => t.Id).Select(t => t.Id).FirstAsync();
        var other = new Tenant { Name = "Northwind (API test)", SenderAddress = "help@northwind-api.example" };
        var customer = new Customer { Name = "Nora North", Tenant = other, CustomerNumber = "N-1" };
        var now = DateTime.UtcNow;
        var ticket = new Ticket
        {
            Number = 900_001,
            Subject = "Zyxwvut secret",
            Tenant = other,
            Customer = customer,
            CreatedAt = now,
            UpdatedAt = now,
            Messages =
            [
                new TicketMessage
                {
                    Direction = MessageDirection.Inbound, From = "nora@northwind-api.example", Subject = "Zyxwvut secret", Date = now, TextBody = "Secret text",
                    Attachments = [new Attachment { FileName = "secret.txt", ContentType = "text/plain", Size = 6, Content = "secret"u8.ToArray() }],
                },
            ],
        };
        db.AddRange(other, customer, ticket);
        var contosoTicket = await db.Set<Ticket>().Where(t => t.TenantId == contoso).OrderBy(t => t.Number).FirstAsync();
        var withFile = new TicketMessage
        {
            TicketId = contosoTicket.Id, Direction = MessageDirection.Inbound, From = "jonas@becker-bau.example", Subject = "Screenshot", Date = now,
            TextBody = "See the picture.",
            Attachments = [new Attachment { FileName = "../evil\u202Egpj.svg", ContentType = "image/svg+xml", Size = AttachmentBytes.Length, Content = AttachmentBytes }],
        };
        db.Add(withFile);
        await db.SaveChangesAsync();

        using var scope = app.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var tina = new AppUser { UserName = LimitedAgent, Email = LimitedAgent, EmailConfirmed = true, DisplayName = "Tina Tenant" };
        (await users.CreateAsync(tina, "Demo-2026!")).Succeeded.Should().BeTrue();
        var support = await db.Set<UserGroup>().SingleAsync(g => g.Name == Groups.TicketSupport);
        db.Add(new UserGroupMembership { UserId = tina.Id, GroupId = support.Id });
        db.Add(new UserTenant { UserId = tina.Id, TenantId = contoso });
        await db.SaveChangesAsync();

        return new TicketApiWorld(contoso, other.Id, ticket.Id, ticket.Messages[0].Id, ticket.Messages[0].Attachments[0].Id,
            withFile.Attachments[0].Id, contosoTicket.Id);
    }

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() } };

    public static async Task<JsonElement> JsonOf(HttpResponseMessage response) =>
        await response.Content.ReadFromJsonAsync<JsonElement>(Json);

    public static async Task<string> UserIdAsync(AppFactory app, string email)
    {
        await using var db = await app.DbFactory.CreateDbContextAsync();
        return await db.Users.Where(u => u.Email == email).Select(u => u.Id).SingleAsync();
    }
}
