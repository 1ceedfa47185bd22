// The shared folder holds what every feature uses; importing it everywhere keeps feature files free of it.
global using BlazorTickets.Shared;
