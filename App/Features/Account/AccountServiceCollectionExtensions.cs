using BlazorTickets.Data;
using BlazorTickets.Features.Users;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace BlazorTickets.Features.Account;

public static class AccountServiceCollectionExtensions
{
    public const string LoginPath = "/account/login";

    /// <summary>How often a cookie and an open page check that their user's sessions are still valid; at most a minute.</summary>
    public const string SessionCheckIntervalKey = "BlazorTickets:SessionCheckInterval";
    public static readonly TimeSpan MaxSessionCheckInterval = TimeSpan.FromMinutes(1);

    public static IServiceCollection AddAccount(this IServiceCollection services, IConfiguration? configuration = null)
    {
        var configured = configuration?.GetValue<TimeSpan?>(SessionCheckIntervalKey);
        var sessionCheckInterval = configured is { } c && c >= TimeSpan.Zero && c < MaxSessionCheckInterval ? c : MaxSessionCheckInterval;

        services.AddCascadingAuthenticationState();
        // A password reset, a changed group or a new security stamp ends the user's cookies and open pages within this interval.
        services.Configure<SecurityStampValidatorOptions>(o => o.ValidationInterval = sessionCheckInterval);
        services.AddScoped<AuthenticationStateProvider>(sp => new RevalidatingIdentityAuthenticationStateProvider(
            sp.GetRequiredService<ILoggerFactory>(), sp.GetRequiredService<IServiceScopeFactory>(), sp.GetRequiredService<IOptions<IdentityOptions>>(), sessionCheckInterval));
        services.AddScoped<PasswordSignIn>();
        services.AddSingleton<FirstAdminSetup>();
        services.AddAuthentication(o =>
            {
                o.DefaultScheme = IdentityConstants.ApplicationScheme;
                o.DefaultSignInScheme = IdentityConstants.ExternalScheme;
            })
            .AddIdentityCookies();

        services.ConfigureApplicationCookie(o =>
        {
            o.LoginPath = LoginPath;
            o.LogoutPath = "/account/logout";
            o.AccessDeniedPath = "/account/access-denied";
            o.Cookie.Name = "BlazorTickets.Auth";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.ExpireTimeSpan = TimeSpan.FromHours(10);
            o.SlidingExpiration = true;
        });

        services.AddIdentityCore<AppUser>(o =>
            {
                o.SignIn.RequireConfirmedAccount = false;
                o.User.RequireUniqueEmail = true;
                o.Password.RequiredLength = 8;
                o.Password.RequireNonAlphanumeric = false;
                o.Lockout.AllowedForNewUsers = true;
                o.Lockout.MaxFailedAccessAttempts = 5;
                o.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
            })
            .AddEntityFrameworkStores<AppDbContext>()
            .AddSignInManager()
            .AddClaimsPrincipalFactory<AppClaimsPrincipalFactory>()
            .AddErrorDescriber<AppIdentityErrorDescriber>()
            .AddDefaultTokenProviders();

        services.AddAuthorization(Policies.Register);
        services.AddSingleton<UserTenantCache>();
        services.AddScoped<TenantScope>();
        return services;
    }

    public static IEndpointRouteBuilder MapAccountEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/account/logout", async (SignInManager<AppUser> signInManager) =>
        {
            await signInManager.SignOutAsync();
            return Results.LocalRedirect(LoginPath);
        }).RequireAuthorization();
        return endpoints;
    }
}
