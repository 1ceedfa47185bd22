using BlazorTickets.Features.Mail;
using BlazorTickets.Features.Replies;
using BlazorTickets.Features.Tenants;
using BlazorTickets.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace BlazorTickets.Tests.Features.Replies;

[Trait(TestCategories.Category, TestCategories.MailServer)]
public sealed class SmtpSettingsTests : IAsyncLifetime
{
    private TestServices app = null!;
    private TestSmtpServer smtp = null!;
    private int tenantId;

    public async Task InitializeAsync()
    {
        smtp = await TestSmtpServer.StartAsync(requireAuthentication: true);
        app = await TestServices.CreateAsync(seedDemoData: true);
        await using var db = await app.DbFactory.CreateDbContextAsync();
        tenantId = await db.Set<Tenant>().Select(t => t.Id).SingleAsync();
    }

    public async Task DisposeAsync()
    {
        await app.DisposeAsync();
        await smtp.DisposeAsync();
    }

    private SmtpSettingsService Settings => app.Get<SmtpSettingsService>();

    private SmtpSettingsInput Input(string? password) => new()
    {
        Host = smtp.Host,
        Port = smtp.Port,
        Encryption = MailEncryption.None,
        UserName = TestSmtpServer.User,
        NewPassword = password,
        SenderAddress = "help@contoso.example",
        SenderName = "Contoso Help",
    };

    [Fact]
    public async Task The_password_is_stored_protected_and_never_read_back_and_the_sender_is_the_tenants()
    {
        (await Settings.SaveAsync(tenantId, Input(TestSmtpServer.Password))).Should().BeEmpty();

        var loaded = await Settings.GetAsync(tenantId);
        loaded.NewPassword.Should().BeNull();
        loaded.HasStoredPassword.Should().BeTrue();
        loaded.SenderAddress.Should().Be("help@contoso.example");
        await using var db = await app.DbFactory.CreateDbContextAsync();
        var stored = await db.Set<SmtpSettings>().SingleAsync();
        stored.ProtectedPassword.Should().NotBeNullOrEmpty().And.NotContain(TestSmtpServer.Password);
        (await db.Set<Tenant>().SingleAsync()).SenderName.Should().Be("Contoso Help");
    }

    [Fact]
    public async Task Test_connection_signs_in_with_the_stored_password_and_explains_a_wrong_one()
    {
        await Settings.SaveAsync(tenantId, Input(TestSmtpServer.Password));

        var ok = await Settings.TestConnectionAsync(tenantId, Input(password: null));
        var wrong = await Settings.TestConnectionAsync(tenantId, Input("wrong"));
        await smtp.StopAsync();
        var down = await Settings.TestConnectionAsync(tenantId, Input(password: null));

        ok.Should().Be((true, ok.Message));
        ok.Message.Should().Contain($"as {TestSmtpServer.User}");
        wrong.Should().Be((false, $"The server refused the user name or password for {TestSmtpServer.User}."));
        down.Ok.Should().BeFalse();
        down.Message.Should().Contain("refused the connection");
    }

    [Fact]
    public async Task Invalid_settings_are_refused_with_a_reason_per_field()
    {
        var input = Input(null);
        input.Host = "";
        input.Port = 0;
        input.SenderAddress = "nope";
        input.CopyToSentFolder = true;

        var errors = await Settings.SaveAsync(tenantId, input);

        errors.Keys.Should().BeEquivalentTo("Host", "Port", "SenderAddress", "NewPassword", "CopyToSentFolder");
    }
}
