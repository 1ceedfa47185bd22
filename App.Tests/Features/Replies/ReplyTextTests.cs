using BlazorTickets.Features.Replies;

namespace BlazorTickets.Tests.Features.Replies;

public sealed class ReplyTextTests
{
    [Theory]
    [InlineData("Heating broken", "Re: Heating broken [#1234]")]
    [InlineData("Re: Heating broken", "Re: Heating broken [#1234]")]
    [InlineData("RE: re: Heating broken", "Re: Heating broken [#1234]")]
    [InlineData("AW: Re: Heating broken", "Re: Heating broken [#1234]")]
    [InlineData("Antw: WG: Fwd: Heating broken", "Re: Heating broken [#1234]")]
    [InlineData("Re[2]: Heating broken [#1234]", "Re: Heating broken [#1234]")]
    [InlineData("Regarding the heating", "Re: Regarding the heating [#1234]")]
    [InlineData("", "Re: [#1234]")]
    public void The_reply_subject_has_one_re_prefix_and_the_ticket_tag(string original, string expected) =>
        ReplyText.ReplySubject(original, "#1234").Should().Be(expected);

    [Fact]
    public void The_quote_marks_every_line_of_the_original_under_an_attribution()
    {
        var quote = ReplyText.Quote("Jonas <jonas@example.com>", new DateTime(2026, 3, 16, 10, 0, 0), "Hello,\r\n> earlier\nthanks");

        quote.Should().Be("2026-03-16 10:00 Jonas <jonas@example.com>:\n> Hello,\n>> earlier\n> thanks");
    }

    [Fact]
    public void The_html_part_is_the_encoded_text_in_paragraphs_with_line_breaks()
    {
        var html = ReplyText.ToHtml("Dear <Max> & co,\n\nline one\nline two");

        html.Should().Contain("<p>Dear &lt;Max&gt; &amp; co,</p>").And.Contain("<p>line one<br>\nline two</p>").And.NotContain("<Max>");
    }

    [Fact]
    public void Placeholders_are_filled_and_unknown_ones_are_kept_and_reported()
    {
        var values = new Dictionary<string, string?> { ["customer_name"] = "Max", ["ticket_number"] = "#1001", ["expected_date"] = null };

        var result = ReplyPlaceholders.Fill("Dear {{customer_name}}, ticket {{ ticket_number }} by {{expected_date}}; {{order}} and {{order}} {{Customer_Name}}", values);

        result.Text.Should().Be("Dear Max, ticket #1001 by ; {{order}} and {{order}} Max");
        result.Unknown.Should().Equal("{{order}}");
    }

    [Fact]
    public void A_value_that_looks_like_a_placeholder_is_not_filled_again()
    {
        var result = ReplyPlaceholders.Fill("{{message}}", new Dictionary<string, string?> { ["message"] = "literal {{signature}}", ["signature"] = "S" });

        result.Text.Should().Be("literal {{signature}}");
        result.Unknown.Should().BeEmpty();
    }

    [Theory]
    [InlineData("a@example.com", true)]
    [InlineData("Max Muster <max@example.com>", true)]
    [InlineData("max@", false)]
    [InlineData("max example.com", false)]
    [InlineData("max@localhost", false)]
    public void Addresses_are_validated_one_by_one(string address, bool valid) =>
        ReplyAddresses.IsValidSingle(address).Should().Be(valid);

    [Fact]
    public void A_recipient_list_names_each_bad_entry()
    {
        ReplyAddresses.Invalid("a@example.com; nonsense, b@example.org,,c@").Should().Equal("nonsense", "c@");
    }

    [Fact]
    public void The_backoff_doubles_from_thirty_seconds_up_to_thirty_minutes()
    {
        Enumerable.Range(1, 8).Select(OutboxWorker.Backoff).Select(t => t.TotalSeconds)
            .Should().Equal(30, 60, 120, 240, 480, 960, 1800, 1800);
    }

    [Fact]
    public void A_template_placeholder_that_fills_to_nothing_is_reported_as_empty_and_one_with_a_value_is_not()
    {
        var context = new ReplyContext(1, 1028, "Heating", 1, "Max Mustermann", ExpectedDate: null, "Anna Agent", "", true, [], []);
        var template = new ReplyTemplate(1, "On it", "Dear {{customer_name}}, we expect to finish it by {{expected_date}}.{{message}}");

        var filled = ReplyService.FillTemplate(context, template, answered: null);

        filled.Text.Should().Be("Dear Max Mustermann, we expect to finish it by .");
        filled.Empty.Should().Equal(ReplyPlaceholders.ExpectedDate);
        ReplyService.FillTemplate(context with { ExpectedDate = new DateOnly(2026, 4, 1) }, template, null).Empty.Should().BeEmpty();
    }

    [Fact]
    public void A_reply_with_an_unconfirmed_empty_placeholder_is_refused_before_anything_is_queued()
    {
        var input = new ReplyInput { To = "max@fabrikam.example", Subject = "Re: x", Body = "by .", EmptyPlaceholders = [ReplyPlaceholders.ExpectedDate] };

        ReplyService.Validate(input).Should().ContainKey(ReplyInput.EmptyPlaceholdersKey);
        input.EmptyPlaceholdersConfirmed = true;
        ReplyService.Validate(input).Should().BeEmpty();
    }
}
