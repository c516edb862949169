"""What comes in from outside: pages fetched by link (refusing internal addresses), the
bytes kept with each article, evidence links archived and checked, imports, and the job
table with the worker that runs them. Imports the review, the team, storage, the text
pipeline and the shared errors; never Flask."""
