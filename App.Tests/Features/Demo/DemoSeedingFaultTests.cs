using BlazorTickets.Data;
using BlazorTickets.Features.Demo;
using BlazorTickets.Features.Tenants;
using BlazorTickets.Features.Tickets;
using BlazorTickets.Features.Users;
using BlazorTickets.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BlazorTickets.Tests.Features.Demo;

/// <summary>A first start that dies while seeding must not leave an install nobody can sign in to.</summary>
public sealed class DemoSeedingFaultTests
{
    [Fact]
    public async Task A_failure_after_three_users_leaves_nothing_behind_and_the_next_start_seeds_the_whole_demo()
    {
        await using var services = await TestServices.CreateAsync(seedDemoData: false);
        await using (var db = await services.DbFactory.CreateDbContextAsync())
        {
            // The database itself fails the fourth user, as a kill or a full disk would at that point.
            await db.Database.ExecuteSqlRawAsync("""
                CREATE TRIGGER fail_mid_seed BEFORE INSERT ON AspNetUsers
                WHEN (SELECT COUNT(*) FROM AspNetUsers) >= 3
                BEGIN SELECT RAISE(ABORT, 'simulated crash during seeding'); END;
                """);
        }

        await using (var scope = services.CreateScope())
        {
            var crashed = async () => await scope.ServiceProvider.GetRequiredService<DemoDataSeeder>().SeedAsync();
            await crashed.Should().ThrowAsync<Exception>();
        }
        await using (var db = await services.DbFactory.CreateDbContextAsync())
        {
            (await db.Set<Tenant>().CountAsync()).Should().Be(0, "a half-seeded tenant would stop every later start from seeding");
            (await db.Users.CountAsync()).Should().Be(0);
            await db.Database.ExecuteSqlRawAsync("DROP TRIGGER fail_mid_seed;");
        }
        await using (var scope = services.CreateScope())
        {
            (await scope.ServiceProvider.GetRequiredService<DemoDataSeeder>().WorkingSignInsAsync())
                .Should().BeEmpty("no sign-in is printed that does not work");
        }

        // The restart.
        await using (var scope = services.CreateScope())
        {
            var seeder = scope.ServiceProvider.GetRequiredService<DemoDataSeeder>();
            (await seeder.SeedAsync()).Should().BeTrue();
            (await seeder.WorkingSignInsAsync()).Should().BeEquivalentTo(DemoDataSeeder.SignIns);
        }
        await using (var scope = services.CreateScope())
        {
            var signIn = scope.ServiceProvider.GetRequiredService<SignInManager<AppUser>>();
            var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
            foreach (var demo in DemoDataSeeder.SignIns)
            {
                var user = await users.FindByEmailAsync(demo.Email);
                user.Should().NotBeNull(demo.Email);
                (await signIn.CheckPasswordSignInAsync(user!, demo.Password, lockoutOnFailure: false)).Succeeded.Should().BeTrue(demo.Email);
            }
        }
        await using (var db = await services.DbFactory.CreateDbContextAsync())
        {
            (await db.Set<Ticket>().CountAsync()).Should().Be(DemoDataSeeder.TicketCount);
            (await db.Set<Tenant>().CountAsync()).Should().Be(1);
        }
    }
}
