using BlazorTickets.Tests.Infrastructure;
using BlazorTickets.Shared;
using BlazorTickets.Features.Admin;
using BlazorTickets.Features.Tenants;
using BlazorTickets.Features.TextBlocks;
using BlazorTickets.Tests.Features.Admin;

namespace BlazorTickets.Tests.Features.TextBlocks;

public sealed class TextBlockAdminServiceTests : IAsyncLifetime
{
    private AdminTestHost host = null!;
    private int contoso;
    private int fabrikam;

    private TextBlockAdminService TextBlocks => host.Get<TextBlockAdminService>();

    public async Task InitializeAsync()
    {
        host = await AdminTestHost.StartAsync();
        var tenants = host.Get<TenantAdminService>();
        contoso = (await tenants.SaveAsync(new TenantEdit { Name = "Contoso", SenderAddress = "support@contoso.example" })).Id;
        fabrikam = (await tenants.SaveAsync(new TenantEdit { Name = "Fabrikam", SenderAddress = "support@fabrikam.example" })).Id;
    }

    public async Task DisposeAsync() => await host.DisposeAsync();

    private TextBlockEdit NewBlock(string key, int? tenantId = null) => new()
    {
        TenantId = tenantId ?? contoso,
        Key = key,
        Name = "Thank you",
        Subject = "Re: {{subject}}",
        Body = "Dear {{customer_name}},\n\nthanks.\n\n{{agent_name}}",
        IsReplyTemplate = true,
    };

    private async Task<int> ContactReplyIdAsync() =>
        (await TextBlocks.ListAsync(contoso)).Single(b => b.Key == TextBlockKeys.ContactReplyCustomer).Id;

    [Fact]
    public async Task A_block_is_created_and_listed_per_tenant()
    {
        var result = await TextBlocks.SaveAsync(NewBlock("reply.thanks"));

        result.Succeeded.Should().BeTrue();
        (await TextBlocks.ListAsync(contoso)).Select(b => b.Key).Should().Equal(TextBlockKeys.ContactReplyCustomer, "reply.thanks");
        (await TextBlocks.ListAsync(fabrikam)).Select(b => b.Key).Should().Equal(TextBlockKeys.ContactReplyCustomer);
        (await TextBlocks.GetAsync(result.Id)).Should().BeEquivalentTo(NewBlock("reply.thanks"), o => o.Excluding(b => b.Id));
    }

    [Fact]
    public async Task Contact_reply_customer_cannot_be_deleted_or_re_keyed_but_its_text_can_change()
    {
        var id = await ContactReplyIdAsync();

        var delete = await TextBlocks.DeleteAsync(id);
        delete.Errors.English(FieldErrors.Form).Should().Be("The text block contact.reply.customer cannot be deleted: the app replies to customers with it.");

        var edit = (await TextBlocks.GetAsync(id))!;
        edit.Key = "contact.reply";
        (await TextBlocks.SaveAsync(edit)).Errors.English(nameof(TextBlockEdit.Key))
            .Should().Be("The key contact.reply.customer cannot be changed: the app replies to customers with it.");

        edit.Key = TextBlockKeys.ContactReplyCustomer;
        edit.Body = "{{message}}\n\n{{signature}}";
        (await TextBlocks.SaveAsync(edit)).Succeeded.Should().BeTrue();
        (await TextBlocks.GetAsync(id))!.Body.Should().Be("{{message}}\n\n{{signature}}");
    }

    [Fact]
    public async Task Other_blocks_can_be_deleted()
    {
        var id = (await TextBlocks.SaveAsync(NewBlock("reply.thanks"))).Id;

        (await TextBlocks.DeleteAsync(id)).Succeeded.Should().BeTrue();
        (await TextBlocks.GetAsync(id)).Should().BeNull();
    }

    [Fact]
    public async Task A_duplicate_key_in_the_tenant_is_reported_and_the_same_key_elsewhere_is_fine()
    {
        (await TextBlocks.SaveAsync(NewBlock("reply.thanks"))).Succeeded.Should().BeTrue();

        var duplicate = await TextBlocks.SaveAsync(NewBlock("reply.thanks"));
        duplicate.Errors.English(nameof(TextBlockEdit.Key)).Should().Be("Another text block of this tenant already has this key.");
        (await TextBlocks.ListAsync(contoso)).Should().HaveCount(2);

        (await TextBlocks.SaveAsync(NewBlock("reply.thanks", fabrikam))).Succeeded.Should().BeTrue();
    }

    [Theory]
    [InlineData("Reply.Thanks")]
    [InlineData("reply thanks")]
    [InlineData("reply_thanks")]
    [InlineData("antwort.grüße")]
    public async Task Keys_allow_only_lowercase_letters_digits_dots_and_dashes(string key)
    {
        var result = await TextBlocks.SaveAsync(NewBlock(key));

        result.Errors.English(nameof(TextBlockEdit.Key)).Should().Be("The key may only contain lowercase letters, digits, dots and dashes, such as reply.thanks.");
    }

    [Fact]
    public async Task Missing_fields_and_unknown_placeholders_are_reported()
    {
        var edit = NewBlock("reply-2.need-info");
        edit.Name = "";
        edit.Subject = "{{ticket}}";
        edit.Body = "Dear {{customer}}";

        var result = await TextBlocks.SaveAsync(edit);

        result.Errors.Keys.Should().BeEquivalentTo(nameof(TextBlockEdit.Name), nameof(TextBlockEdit.Subject), nameof(TextBlockEdit.Body));
        (await TextBlocks.ListAsync(contoso)).Should().ContainSingle();

        edit.Name = "Need info";
        edit.Subject = "";
        edit.Body = " ";
        (await TextBlocks.SaveAsync(edit)).Errors.Keys.Should().Equal(nameof(TextBlockEdit.Body));
    }

    [Fact]
    public async Task Every_documented_placeholder_is_accepted()
    {
        var edit = NewBlock("all.placeholders");
        edit.Body = string.Join("\n", TextBlockAdminService.Placeholders.Select(p => p.Text));

        (await TextBlocks.SaveAsync(edit)).Succeeded.Should().BeTrue();
        TextBlockAdminService.Placeholders.Select(p => p.Text).Should().BeEquivalentTo(
            "{{message}}", "{{quoted_original}}", "{{signature}}", "{{ticket_number}}",
            "{{subject}}", "{{customer_name}}", "{{agent_name}}", "{{expected_date}}");
    }
}
