using BlazorTickets.Tests.Infrastructure;
using BlazorTickets.Shared;
using BlazorTickets.Features.Admin;
using BlazorTickets.Features.Users;
using BlazorTickets.Tests.Features.Admin;

namespace BlazorTickets.Tests.Features.Users;

public sealed class GroupAdminServiceTests : IAsyncLifetime
{
    private AdminTestHost host = null!;
    private GroupAdminService GroupAdmin => host.Get<GroupAdminService>();

    public async Task InitializeAsync() => host = await AdminTestHost.StartAsync();

    public async Task DisposeAsync() => await host.DisposeAsync();

    private async Task<int> CreateAsync(string name, decimal rate = 80m)
    {
        var result = await GroupAdmin.SaveAsync(new GroupEdit { Name = name, HourlyRate = rate });
        result.Succeeded.Should().BeTrue(result.Errors.ToString());
        return result.Id;
    }

    private async Task AddMemberAsync(int groupId)
    {
        var result = await host.Get<UserAdminService>().CreateAsync(new UserEdit
        {
            DisplayName = "Member",
            Email = $"member{groupId}@contoso.example",
            Password = "Member-2026",
            GroupIds = [groupId],
        });
        result.Succeeded.Should().BeTrue(result.Errors.ToString());
    }

    [Fact]
    public async Task The_list_shows_member_counts_and_marks_built_in_groups()
    {
        var support = await CreateAsync(Groups.TicketSupport);
        await CreateAsync("Consultants");
        await AddMemberAsync(support);

        var rows = await GroupAdmin.ListAsync();

        rows.Should().BeEquivalentTo(
        [
            new GroupRow(rows[0].Id, "Consultants", 80m, 0),
            new GroupRow(support, Groups.TicketSupport, 80m, 1),
        ]);
        rows.Single(r => r.Id == support).IsBuiltIn.Should().BeTrue();
        rows.Single(r => r.Name == "Consultants").IsBuiltIn.Should().BeFalse();
    }

    [Theory]
    [InlineData("Ticket-Support")]
    [InlineData("Senior-Support")]
    [InlineData("Billing")]
    [InlineData("Team leads")]
    [InlineData("Admins")]
    public async Task Built_in_groups_cannot_be_deleted_or_renamed_but_their_rate_can_change(string name)
    {
        var id = await CreateAsync(name);

        var delete = await GroupAdmin.DeleteAsync(id);
        delete.Errors.English(FieldErrors.Form).Should().Be("Built-in groups cannot be deleted: the app gives them meaning.");

        var rename = await GroupAdmin.SaveAsync(new GroupEdit { Id = id, Name = name + " (old)", HourlyRate = 80m });
        rename.Errors.English(nameof(GroupEdit.Name)).Should().Be("Built-in groups cannot be renamed: the app gives them meaning.");

        var rate = await GroupAdmin.SaveAsync(new GroupEdit { Id = id, Name = name, HourlyRate = 99.50m });
        rate.Succeeded.Should().BeTrue();
        (await GroupAdmin.GetAsync(id)).Should().BeEquivalentTo(new GroupEdit { Id = id, Name = name, HourlyRate = 99.50m });
    }

    [Fact]
    public async Task Other_groups_can_be_renamed_and_deleted_once_they_have_no_members()
    {
        var id = await CreateAsync("Consultants");
        await AddMemberAsync(id);

        (await GroupAdmin.DeleteAsync(id)).Errors.English(FieldErrors.Form)
            .Should().Be("This group still has members. Remove them from the group first.");
        (await GroupAdmin.SaveAsync(new GroupEdit { Id = id, Name = "Consulting", HourlyRate = 70m })).Succeeded.Should().BeTrue();

        var empty = await CreateAsync("Interns");
        (await GroupAdmin.DeleteAsync(empty)).Succeeded.Should().BeTrue();
        (await GroupAdmin.ListAsync()).Select(g => g.Name).Should().Equal("Consulting");
    }

    [Fact]
    public async Task A_duplicate_name_is_reported_not_thrown()
    {
        await CreateAsync("Consultants");

        var result = await GroupAdmin.SaveAsync(new GroupEdit { Name = "consultants ", HourlyRate = 10m });

        result.Errors.English(nameof(GroupEdit.Name)).Should().Be("Another group already has this name.");
        (await GroupAdmin.ListAsync()).Should().ContainSingle();
    }

    [Theory]
    [InlineData("", 10, nameof(GroupEdit.Name))]
    [InlineData("Customer", 10, nameof(GroupEdit.Name))]
    [InlineData("Consultants", -0.01, nameof(GroupEdit.HourlyRate))]
    [InlineData("Consultants", 95.555, nameof(GroupEdit.HourlyRate))]
    public async Task Bad_input_is_reported_per_field(string name, decimal rate, string field)
    {
        var result = await GroupAdmin.SaveAsync(new GroupEdit { Name = name, HourlyRate = rate });

        result.Errors.Keys.Should().Equal(field);
        (await GroupAdmin.ListAsync()).Should().BeEmpty();
    }
}
