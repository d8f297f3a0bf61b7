// Package termtext makes untrusted text inert and fits it to a number of terminal cells.
package termtext
